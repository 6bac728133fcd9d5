// Text in place: unit labels, the environment overlay (temperature and CO2 per floor from its environment meters)
// and the plant's heat and cooling meters. Labels hang in their floor's group, so they follow exploded floors.
import type { Meter, SiteModel } from '../shared/model';
import type { Buildings } from './buildings';
import { centroid } from './geometry';
import { Label } from './labels';
import type { LiveState } from './metrics';

const CO2_GOOD_PPM = 800;
const CO2_HIGH_PPM = 1200;

export class Overlays {
  private readonly unitLabels = new Map<string, { label: Label; floorId: string }>();
  private readonly envLabels = new Map<string, { label: Label; meters: Meter[] }>();
  private readonly plantLabels: { label: Label; meters: Meter[] }[] = [];
  allLabels = false;
  environment = false;

  constructor(private readonly model: SiteModel, private readonly buildings: Buildings) {
    for (const f of buildings.floors) {
      for (const u of f.units) {
        const label = new Label(0.16);
        const tenant = model.tenantByUnit.get(u.id);
        label.set(u.name, tenant?.legalName ?? (u.use === 'common' ? 'common area' : 'vacant'));
        const [x, y] = centroid(u.footprint);
        label.sprite.position.set(x, f.floor.elevationM + f.floor.heightM + 0.6, -y);
        label.sprite.visible = false;
        f.group.add(label.sprite);
        this.unitLabels.set(u.id, { label, floorId: f.floor.id });
      }
      const env = (model.metersByFloor.get(f.floor.id) ?? []).filter((m) => m.kind === 'environment');
      if (env.length) {
        const label = new Label(0.13, 320, 72);
        const xs = f.floor.footprint.map((p) => p[0]);
        const [, cy] = centroid(f.floor.footprint);
        label.sprite.position.set(Math.max(...xs) + 8, f.floor.elevationM + f.floor.heightM / 2, -cy);
        label.sprite.visible = false;
        f.group.add(label.sprite);
        this.envLabels.set(f.floor.id, { label, meters: env });
      }
      const plant = (model.metersByFloor.get(f.floor.id) ?? []).filter((x) => (x.kind === 'heat' || x.kind === 'cooling') && !x.parentMeterId);
      if (plant.length) {
        const label = new Label(0.2, 400, 72);
        const xs = f.floor.footprint.map((p) => p[0]);
        const [, cy] = centroid(f.floor.footprint);
        label.sprite.position.set(Math.min(...xs) - 14, f.floor.elevationM + f.floor.heightM / 2, -cy);
        label.sprite.visible = false;
        f.group.add(label.sprite);
        this.plantLabels.push({ label, meters: plant });
      }
    }
  }

  /** Which unit labels show: all, or those of the isolated floor and of the selected unit's floor. */
  updateLabels(selectedUnitId: string | null): void {
    const selectedFloor = selectedUnitId ? this.model.unitsById.get(selectedUnitId)?.floorId : undefined;
    for (const { label, floorId } of this.unitLabels.values()) {
      label.sprite.visible = this.allLabels || floorId === this.buildings.isolated || floorId === selectedFloor;
    }
  }

  updateEnvironment(state: LiveState): void {
    for (const { label, meters } of this.envLabels.values()) {
      label.sprite.visible = this.environment;
      if (!this.environment) continue;
      const temps = meters.map((m) => state.reading(m.id, 'temperature')).filter((v): v is number => v !== undefined);
      const co2 = meters.map((m) => state.reading(m.id, 'co2')).filter((v): v is number => v !== undefined);
      const t = temps.length ? temps.reduce((a, b) => a + b, 0) / temps.length : undefined;
      const c = co2.length ? Math.max(...co2) : undefined;
      const bg = c === undefined ? 'rgba(255,255,255,0.9)' : c < CO2_GOOD_PPM ? 'rgba(190,240,200,0.92)'
        : c < CO2_HIGH_PPM ? 'rgba(255,225,150,0.92)' : 'rgba(255,170,160,0.92)';
      label.set(`${t === undefined ? '–' : t.toFixed(1)} °C · ${c === undefined ? '–' : Math.round(c)} ppm CO₂`, '', bg);
    }
    for (const { label, meters } of this.plantLabels) {
      label.sprite.visible = this.environment;
      if (!this.environment) continue;
      const v = (m: Meter, register: string, digits: number) => {
        const x = state.reading(m.id, register);
        return x === undefined ? '–' : x.toFixed(digits);
      };
      const name = (m: Meter) => (m.kind === 'heat' ? 'heat' : 'cooling');
      label.set(`Plant ${meters.map((m) => `${name(m)} ${v(m, 'power_thermal', 0)} kW`).join(' · ')}`,
        meters.map((m) => `${name(m)} ${v(m, 'temperature_supply', 1)}/${v(m, 'temperature_return', 1)} °C`).join(' · '),
        'rgba(255,236,214,0.94)');
    }
  }

  /** Floors that have environment meters (the overlay draws one badge each). */
  get environmentFloorCount(): number {
    return this.envLabels.size;
  }
}
