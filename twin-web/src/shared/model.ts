// The site model as the REST API serves it, loaded once and indexed for the twin and the portal.
import { api, listAll } from './api';

export type Point = [number, number];
export type Polygon = Point[];

export interface Site { id: string; name: string; timeZone: string; currency: string }
export interface Building { id: string; siteId: string; name: string; footprint?: Polygon | null }
export interface Floor {
  id: string; siteId: string; buildingId: string; level: number; name: string;
  elevationM: number; heightM: number; footprint: Polygon;
}
export interface Unit {
  id: string; siteId: string; buildingId: string; floorId: string; name: string;
  areaM2: number; use: 'office' | 'retail' | 'industrial' | 'clinical' | 'common'; headcount?: number | null;
  footprint: Polygon;
}
export interface Tenant {
  id: string; siteId: string; legalName: string; billingMode: 'prepaid' | 'postpaid';
  contact?: { name?: string; email?: string; phone?: string };
}
export interface Occupancy { id: string; tenantId: string; unitId: string; fromDate: string; toDate?: string | null }
export interface Register { name: string; unit: string; maxValue?: number }
export interface Meter {
  id: string; siteId: string; serial: string; kind: 'electricity' | 'water' | 'gas' | 'heat' | 'cooling' | 'environment';
  model?: string | null; locationLevel: 'site' | 'building' | 'floor' | 'unit';
  buildingId?: string | null; floorId?: string | null; unitId?: string | null; parentMeterId?: string | null;
  registers: Register[]; binding: { protocol: string }; criticalLoad: boolean;
}

/** The cumulative register each kind's consumption is charted from (environment sensors have none). */
export const CUMULATIVE: Record<Meter['kind'], string | null> = {
  electricity: 'energy_active_import', water: 'volume', gas: 'volume', heat: 'energy_heat', cooling: 'energy_cooling',
  environment: null,
};

/** Bounded parallelism for the per-tenant and per-building requests. */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return out;
}

/** Today's date (YYYY-MM-DD) in the site's time zone: occupancies are site-local calendar days. */
export function siteToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function occupiedOn(o: Occupancy, day: string): boolean {
  return o.fromDate <= day && (o.toDate == null || o.toDate >= day);
}

export class SiteModel {
  readonly floorsById = new Map<string, Floor>();
  readonly unitsById = new Map<string, Unit>();
  readonly metersById = new Map<string, Meter>();
  readonly tenantsById = new Map<string, Tenant>();
  readonly unitsByFloor = new Map<string, Unit[]>();
  readonly metersByUnit = new Map<string, Meter[]>();
  readonly metersByFloor = new Map<string, Meter[]>();
  /** The tenant occupying each unit today. */
  readonly tenantByUnit = new Map<string, Tenant>();
  readonly unitsByTenant = new Map<string, Unit[]>();

  constructor(
    readonly site: Site,
    readonly buildings: Building[],
    readonly floors: Floor[],
    readonly units: Unit[],
    readonly meters: Meter[],
    readonly tenants: Tenant[],
    occupancies: Occupancy[],
  ) {
    floors.forEach((f) => this.floorsById.set(f.id, f));
    units.forEach((u) => {
      this.unitsById.set(u.id, u);
      push(this.unitsByFloor, u.floorId, u);
    });
    tenants.forEach((t) => this.tenantsById.set(t.id, t));
    meters.forEach((m) => {
      this.metersById.set(m.id, m);
      if (m.unitId) push(this.metersByUnit, m.unitId, m);
      const floorId = m.floorId ?? (m.unitId ? this.unitsById.get(m.unitId)?.floorId : undefined);
      if (floorId) push(this.metersByFloor, floorId, m);
    });
    const today = siteToday(site.timeZone);
    occupancies.filter((o) => occupiedOn(o, today)).forEach((o) => {
      const t = this.tenantsById.get(o.tenantId);
      const u = this.unitsById.get(o.unitId);
      if (t && u) {
        this.tenantByUnit.set(u.id, t);
        push(this.unitsByTenant, t.id, u);
      }
    });
  }

  /** The unit a meter belongs to, if it is a unit meter. */
  unitOfMeter(meterId: string): Unit | undefined {
    const m = this.metersById.get(meterId);
    return m?.unitId ? this.unitsById.get(m.unitId) : undefined;
  }

  static async load(siteId: string): Promise<SiteModel> {
    const site = await api<Site>(`/sites/${siteId}`);
    const [buildings, units, meters, tenants] = await Promise.all([
      listAll<Building>(`/sites/${siteId}/buildings`),
      listAll<Unit>(`/sites/${siteId}/units`),
      listAll<Meter>(`/sites/${siteId}/meters`),
      listAll<Tenant>(`/sites/${siteId}/tenants`),
    ]);
    const floors = (await mapLimited(buildings, 4, (b) => listAll<Floor>(`/buildings/${b.id}/floors`))).flat();
    const occupancies = (await mapLimited(tenants, 6, (t) => listAll<Occupancy>(`/tenants/${t.id}/occupancies`))).flat();
    return new SiteModel(site, buildings, floors, units, meters, tenants, occupancies);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
