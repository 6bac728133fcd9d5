// What a tenant's consumption this month costs under its tariffs, quoted by the server (POST /tariffs/{id}/quote):
// per meter in integer minor units, with the energy by time-of-use period. Money is never computed here, only summed.
import { api } from './api';
import type { Meter } from './model';
import { siteToday } from './model';

interface Assignment { utility: string; tariffId: string; effectiveFrom: string; tariffName?: string }
interface ChargeLine { kind: string; touPeriod?: string | null; quantity: string; unit: string; amountMinor: number }
interface Quote { currency: string; totalMinor: number; parts: { lines: ChargeLine[] }[] }

export interface MonthCost {
  currency: string | null;
  totalMinor: number;
  byMeter: Map<string, number>;
  /** Energy by time-of-use period, per utility: quantity in the tariff's unit (for display only). */
  touByUtility: Map<string, Map<string, { quantity: number; unit: string; amountMinor: number }>>;
  /** Meters without a tariff in force (not rated). */
  unrated: string[];
}

/** Site-local [first day of this month, tomorrow): the month so far, as the quote API counts days. */
export function monthSoFar(timeZone: string, now = new Date()): { from: string; to: string } {
  // The next day by calendar, not "now + 24 h", which a DST change can move onto the same or the day after next.
  const today = siteToday(timeZone, now);
  return { from: `${today.slice(0, 8)}01`, to: nextDay(today) };
}

export function nextDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export async function monthCost(tenantId: string, meters: Meter[], timeZone: string): Promise<MonthCost> {
  const { from, to } = monthSoFar(timeZone);
  const today = siteToday(timeZone);
  const { assignments } = await api<{ assignments: Assignment[] }>(`/tenants/${tenantId}/tariffs`);
  const cost: MonthCost = { currency: null, totalMinor: 0, byMeter: new Map(), touByUtility: new Map(), unrated: [] };
  for (const m of meters) {
    const inForce = assignments.filter((a) => a.utility === m.kind && a.effectiveFrom <= today)
      .sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom))[0];
    if (!inForce) {
      if (m.kind !== 'environment') cost.unrated.push(m.id);
      continue;
    }
    try {
      const q = await api<Quote>(`/tariffs/${inForce.tariffId}/quote`, { method: 'POST', body: { meterId: m.id, from, to } });
      cost.currency = q.currency;
      cost.totalMinor += q.totalMinor;
      cost.byMeter.set(m.id, q.totalMinor);
      const tou = cost.touByUtility.get(m.kind) ?? new Map();
      for (const line of q.parts.flatMap((p) => p.lines).filter((l) => l.kind === 'ENERGY')) {
        const period = line.touPeriod ?? 'all day';
        const sum = tou.get(period) ?? { quantity: 0, unit: line.unit, amountMinor: 0 };
        sum.quantity += Number(line.quantity);
        sum.amountMinor += line.amountMinor;
        tou.set(period, sum);
      }
      cost.touByUtility.set(m.kind, tou);
    } catch {
      cost.unrated.push(m.id);
    }
  }
  return cost;
}
