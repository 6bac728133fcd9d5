// Consumption by day over the last 30 days, per utility, summed over the tenant's meters of that kind.
import type uPlot from 'uplot';
import { api, type Capabilities } from '../shared/api';
import { barChart, type Bucket } from '../shared/charts';
import { monthCost } from '../shared/costs';
import { clear, el, formatMoney, formatNumber, notAvailable } from '../shared/dom';
import { CUMULATIVE, type Meter } from '../shared/model';

export class ConsumptionCard {
  private chart: uPlot | null = null;
  private readonly box = el('div', { class: 'chart', 'data-chart': '1d' });
  private readonly total = el('p', { class: 'muted' });

  constructor(root: HTMLElement, private readonly tenantId: string, private readonly meters: Meter[], private readonly timeZone: string,
              caps: Capabilities) {
    const kinds = [...new Set(meters.map((m) => m.kind).filter((k) => CUMULATIVE[k]))];
    const seg = el('div', { class: 'segmented' });
    const tou = el('div', { class: 'tou' });
    root.append(el('h2', {}, 'Consumption by day'), seg, this.box, this.total, el('h2', {}, 'This month by time-of-use period'), tou);
    if (caps.has('getTenantTariffs', 'quoteTariff')) void this.fillTou(tou);
    else tou.append(notAvailable('Consumption by time-of-use period'));
    kinds.forEach((k, i) => {
      const b = el('button', { 'data-kind': k }, k);
      b.addEventListener('click', () => {
        seg.querySelectorAll('button').forEach((x) => x.classList.toggle('active', x === b));
        void this.load(k);
      });
      if (i === 0) b.classList.add('active');
      seg.append(b);
    });
    if (kinds.length) void this.load(kinds[0]);
    else this.box.append(el('p', { class: 'muted' }, 'No metered consumption.'));
  }

  /** The month so far as the tenant's tariffs rate it: energy and its cost per time-of-use period, per utility. */
  private async fillTou(target: HTMLElement): Promise<void> {
    try {
      const cost = await monthCost(this.tenantId, this.meters, this.timeZone);
      if (!cost.currency) return void target.append(el('p', { class: 'muted' }, 'No tariff is in force for your meters.'));
      const list = el('ul', { class: 'rows' });
      for (const [utility, periods] of cost.touByUtility) {
        for (const [period, v] of periods) {
          list.append(el('li', { 'data-tou': `${utility}|${period}` }, el('span', {}, `${utility} · ${period}: ${formatNumber(v.quantity, 1)} ${v.unit}`),
            el('strong', {}, formatMoney(v.amountMinor, cost.currency))));
        }
      }
      target.append(list, el('p', {}, 'Total so far, with fixed charges and taxes: ',
        el('strong', { 'data-cost': String(cost.totalMinor) }, formatMoney(cost.totalMinor, cost.currency))));
    } catch (e) {
      target.append(el('p', { class: 'error' }, `Not available now (${(e as Error).message})`));
    }
  }

  private async load(kind: Meter['kind']): Promise<void> {
    const register = CUMULATIVE[kind]!;
    const now = new Date();
    const from = new Date(now.getTime() - 30 * 86400_000).toISOString();
    const series = await Promise.all(this.meters.filter((m) => m.kind === kind).map((m) =>
      api<{ unit: string; items: Bucket[] }>(`/meters/${m.id}/consumption?register=${register}&interval=1d&from=${from}&to=${now.toISOString()}`)
        .catch(() => null)));
    const ok = series.filter((s): s is { unit: string; items: Bucket[] } => s !== null);
    const byDay = new Map<string, Bucket>();
    for (const s of ok) {
      for (const b of s.items) {
        const sum = byDay.get(b.start);
        byDay.set(b.start, sum ? { ...sum, consumption: sum.consumption + b.consumption } : { ...b });
      }
    }
    const buckets = [...byDay.values()].sort((a, b) => a.start.localeCompare(b.start));
    this.chart?.destroy();
    clear(this.box);
    const unit = ok[0]?.unit ?? '';
    this.chart = barChart(this.box, buckets, unit, this.timeZone, Math.max(260, this.box.clientWidth || 320), 180);
    this.total.textContent = `30 days: ${formatNumber(buckets.reduce((a, b) => a + b.consumption, 0), 1)} ${unit}`;
  }
}
