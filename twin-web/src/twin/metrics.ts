// What the units are coloured by, and the legend that explains it.
import * as THREE from 'three';
import type { Alarm } from '../shared/live';
import type { SiteModel, Unit } from '../shared/model';

export type MetricId = 'power' | 'energyToday' | 'costMonth' | 'balance' | 'alarms';

/** The live state the twin keeps: newest register values, today's energy, wallets and open alarms. */
export class LiveState {
  readonly values = new Map<string, Map<string, { value: number; unit?: string; ts: string }>>();
  readonly energyTodayKwh = new Map<string, number>();
  /** Cost of each meter's consumption this month so far (minor units), from the tariff quotes. */
  readonly costMonthMinor = new Map<string, number>();
  costCurrencyDigits = 2;
  readonly walletStatus = new Map<string, { status: string; balanceMinor: number; currency: string }>();
  readonly alarms = new Map<string, Alarm>();

  reading(meterId: string, register: string): number | undefined {
    return this.values.get(meterId)?.get(register)?.value;
  }

  setReading(meterId: string, register: string, value: number, unit: string | undefined, ts: string): void {
    let m = this.values.get(meterId);
    if (!m) this.values.set(meterId, (m = new Map()));
    m.set(register, { value, unit, ts });
  }
}

export interface Metric {
  id: MetricId;
  label: string;
  /** Null when this server has no API for it yet (the legend says so and the units stay neutral). */
  unavailable: string | null;
  value(unit: Unit): number | string | null;
  colour(v: number | string | null, range: [number, number], out: THREE.Color): THREE.Color | null;
  legend(range: [number, number]): { colour: string; text: string }[];
  format(v: number | string | null): string;
}

const RAMP = [0x2c7bb6, 0x00a6ca, 0x00ccbc, 0x90eb9d, 0xffff8c, 0xf9d057, 0xf29e2e, 0xe76818, 0xd7191c].map((c) => new THREE.Color(c));
const CATEGORY: Record<string, number> = {
  active: 0x2ecc71, low: 0xf39c12, exhausted: 0xd7263d, postpaid: 0x7f8fa6, none: 0x8fd3a8, info: 0x2e86de, warning: 0xf39c12, critical: 0xd7263d,
};

function ramp(t: number, out: THREE.Color): THREE.Color {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  return out.copy(RAMP[i]).lerp(RAMP[i + 1], x - i);
}

function sequential(id: MetricId, label: string, unit: string, value: (u: Unit) => number | null, unavailable: string | null = null): Metric {
  return {
    id, label, unavailable, value,
    // A square-root scale: a few large halls would otherwise leave every office suite at the bottom of the ramp.
    colour: (v, [lo, hi], out) => (typeof v === 'number' ? ramp(hi > lo ? Math.sqrt(Math.max(0, (v - lo) / (hi - lo))) : 0.5, out) : null),
    legend: ([lo, hi]) => [0, 0.25, 0.5, 0.75, 1].map((t) => ({
      colour: `#${ramp(t, new THREE.Color()).getHexString()}`, text: `${(lo + (hi - lo) * t * t).toFixed(hi - lo < 10 ? 1 : 0)} ${unit}`,
    })),
    format: (v) => (typeof v === 'number' ? `${v.toFixed(v < 10 ? 2 : 1)} ${unit}` : '–'),
  };
}

function categorical(id: MetricId, label: string, value: (u: Unit) => string | null, names: string[], unavailable: string | null = null): Metric {
  return {
    id, label, unavailable, value,
    colour: (v, _r, out) => (typeof v === 'string' && CATEGORY[v] !== undefined ? out.setHex(CATEGORY[v]) : null),
    legend: () => names.map((n) => ({ colour: `#${new THREE.Color(CATEGORY[n]).getHexString()}`, text: n === 'none' ? 'no alarm' : n === 'postpaid' ? 'postpaid (billed, no wallet)' : `${n}` })),
    format: (v) => (v == null ? '–' : String(v)),
  };
}

const SEVERITY_RANK: Record<string, number> = { info: 1, warning: 2, critical: 3 };

export function metrics(model: SiteModel, state: LiveState, ledger: boolean, tariffs: boolean): Metric[] {
  const electricity = (u: Unit) => (model.metersByUnit.get(u.id) ?? []).filter((m) => m.kind === 'electricity');
  const sum = (u: Unit, f: (meterId: string) => number | undefined): number | null => {
    let total: number | null = null;
    for (const m of electricity(u)) {
      const v = f(m.id);
      if (v !== undefined) total = (total ?? 0) + v;
    }
    return total;
  };
  return [
    sequential('power', 'Power now', 'kW', (u) => sum(u, (id) => state.reading(id, 'power_active'))),
    sequential('energyToday', 'Energy today', 'kWh', (u) => sum(u, (id) => state.energyTodayKwh.get(id))),
    sequential('costMonth', 'Cost this month', model.site.currency, (u) => {
      let minor: number | null = null;
      for (const m of model.metersByUnit.get(u.id) ?? []) {
        const c = state.costMonthMinor.get(m.id);
        if (c !== undefined) minor = (minor ?? 0) + c;
      }
      return minor === null ? null : minor / 10 ** state.costCurrencyDigits; // for the colour scale only
    }, tariffs ? null : 'Costs need the tariff API, which this server does not offer yet.'),
    categorical('balance', 'Balance status', (u) => {
      const t = model.tenantByUnit.get(u.id);
      if (!t) return null;
      return t.billingMode === 'postpaid' ? 'postpaid' : (state.walletStatus.get(t.id)?.status ?? null);
    }, ['active', 'low', 'exhausted', 'postpaid'], ledger ? null : 'Balances need the ledger API, which this server does not offer yet.'),
    categorical('alarms', 'Alarm state', (u) => {
      let worst = 'none';
      for (const a of state.alarms.values()) {
        if (a.state === 'cleared' || !a.meterId || model.metersById.get(a.meterId)?.unitId !== u.id) continue;
        if ((SEVERITY_RANK[a.severity] ?? 0) > (SEVERITY_RANK[worst] ?? 0)) worst = a.severity;
      }
      return worst;
    }, ['none', 'info', 'warning', 'critical']),
  ];
}

/** The value range of a sequential metric over all units (at least a small span, so one value still colours). */
export function range(metric: Metric, units: Unit[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const u of units) {
    const v = metric.value(u);
    if (typeof v === 'number') {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return [Math.min(0, lo), Math.max(hi, lo + 1)];
}
