// The panel for a clicked unit: tenant, meters with live values, consumption charts, balance, relay and invoices.
import type uPlot from 'uplot';
import { api, ApiError, type Capabilities, type Session } from '../shared/api';
import { barChart, type Bucket } from '../shared/charts';
import { monthCost } from '../shared/costs';
import { clear, el, formatMoney, formatNumber, formatTime, notAvailable } from '../shared/dom';
import { CUMULATIVE, type Floor, type Meter, type SiteModel, type Unit } from '../shared/model';
import { downloadWithToken } from '../shared/download';
import type { LiveState } from './metrics';

interface PanelInvoice {
  id: string; kind: 'invoice' | 'credit_note'; number?: string | null; periodFrom: string; currency: string; totalMinor: number;
}

export interface PanelContext {
  model: SiteModel;
  state: LiveState;
  caps: Capabilities;
  session: Session;
  focus(meterIds: string[]): void;
}

export class UnitPanel {
  unitId: string | null = null;
  private meter: Meter | null = null;
  private charts: uPlot[] = [];
  private readonly valueCells = new Map<string, HTMLElement>();
  private relayCell: HTMLElement | null = null;

  constructor(private readonly root: HTMLElement, private readonly ctx: PanelContext, private readonly onClose: () => void) {}

  show(unit: Unit, meterId?: string): void {
    this.unitId = unit.id;
    const meters = this.ctx.model.metersByUnit.get(unit.id) ?? [];
    this.choose(meters, meterId);
    const { model } = this.ctx;
    const floor = model.floorsById.get(unit.floorId);
    const building = model.buildings.find((b) => b.id === unit.buildingId);
    const tenant = model.tenantByUnit.get(unit.id);
    this.open(el('h2', { 'data-unit-id': unit.id }, unit.name),
      `${building?.name ?? ''} · ${floor?.name ?? ''} · ${unit.use} · ${formatNumber(unit.areaM2, 0)} m²`);
    this.root.append(el('h3', {}, 'Tenant'), tenant
      ? el('p', { class: 'tenant' }, el('strong', {}, tenant.legalName), el('br'), `${tenant.billingMode}`,
        tenant.contact?.name ? ` · ${tenant.contact.name}` : '', tenant.contact?.email ? ` · ${tenant.contact.email}` : '')
      : el('p', { class: 'muted' }, unit.use === 'common' ? 'Common area' : 'Vacant'));
    const balance = el('div', { class: 'balance' });
    this.root.append(el('h3', {}, 'Balance'), balance);
    void this.fillBalance(balance, tenant?.id);
    const cost = el('div', { class: 'cost' });
    this.root.append(el('h3', {}, 'Cost this month'), cost);
    void this.fillCost(cost, tenant?.id, meters);
    this.body(meters, (m) => this.show(unit, m));
    const invoices = el('ul', { class: 'rows invoices' });
    this.root.append(el('h3', {}, 'Last invoices'), invoices);
    void this.fillInvoices(invoices, tenant?.id);
  }

  /** The tenant's last three issued invoices and credit notes, each with its PDF. */
  private async fillInvoices(target: HTMLElement, tenantId?: string): Promise<void> {
    if (!this.ctx.caps.has('listInvoices', 'getInvoicePdf')) return void target.replaceWith(notAvailable('Invoices'));
    if (!tenantId) return void target.append(el('li', { class: 'muted' }, 'No tenant, no invoices.'));
    try {
      const page = await api<{ items: PanelInvoice[] }>(`/invoices?tenantId=${tenantId}&status=issued&sort=-periodFrom&limit=3`);
      if (!page.items.length) target.append(el('li', { class: 'muted' }, 'No invoice issued yet.'));
      for (const inv of page.items) {
        const pdf = el('button', { class: 'small' }, 'PDF');
        pdf.addEventListener('click', () => void downloadWithToken(`/invoices/${inv.id}/pdf`, `${inv.number ?? inv.id}.pdf`,
          'application/pdf').catch((e) => { pdf.textContent = (e as Error).message; }));
        const sign = inv.kind === 'credit_note' ? -1 : 1;
        target.append(el('li', { 'data-invoice-id': inv.id },
          el('span', {}, `${inv.number ?? ''} · ${inv.periodFrom}`),
          el('span', {}, el('strong', {}, formatMoney(sign * inv.totalMinor, inv.currency)), ' ', pdf)));
      }
    } catch (e) {
      target.append(el('li', { class: 'error' }, e instanceof ApiError ? e.message : 'Invoices unavailable'));
    }
  }

  /** A floor's own meters (its distribution board, heat, cooling and air sensors) and who occupies it. */
  showFloor(floor: Floor, meterId?: string): void {
    this.unitId = null;
    const { model } = this.ctx;
    const meters = (model.metersByFloor.get(floor.id) ?? []).filter((m) => !m.unitId);
    this.choose(meters, meterId);
    const building = model.buildings.find((b) => b.id === floor.buildingId);
    this.open(el('h2', { 'data-floor-id': floor.id }, floor.name),
      `${building?.name ?? ''} · level ${floor.level} · ${formatNumber(floor.elevationM, 1)} m, ${formatNumber(floor.heightM, 1)} m high`);
    const tenants = [...new Set((model.unitsByFloor.get(floor.id) ?? [])
      .map((u) => model.tenantByUnit.get(u.id)?.legalName).filter((n): n is string => !!n))];
    this.root.append(el('h3', {}, 'Tenants'), el('p', {}, tenants.join(', ') || 'None'));
    this.body(meters, (m) => this.showFloor(floor, m));
  }

  /** Meters of a building or the whole site, which belong to no floor. */
  showMeters(title: string, subtitle: string, meters: Meter[], meterId?: string): void {
    this.unitId = null;
    this.choose(meters, meterId);
    this.open(el('h2', {}, title), subtitle);
    this.body(meters, (m) => this.showMeters(title, subtitle, meters, m));
  }

  hide(): void {
    this.unitId = null;
    this.destroyCharts();
    this.root.hidden = true;
    this.ctx.focus([]);
  }

  private choose(meters: Meter[], meterId?: string): void {
    this.meter = meters.find((m) => m.id === meterId) ?? meters.find((m) => m.kind === 'electricity') ?? meters[0] ?? null;
    this.ctx.focus(meters.map((m) => m.id));
  }

  private destroyCharts(): void {
    this.charts.forEach((c) => c.destroy());
    this.charts = [];
  }

  private open(title: HTMLElement, subtitle: string): void {
    this.destroyCharts();
    this.valueCells.clear();
    clear(this.root);
    this.root.hidden = false;
    const close = el('button', { class: 'close', 'aria-label': 'Close' }, '×');
    close.addEventListener('click', () => this.onClose());
    this.root.append(close, title, el('p', { class: 'muted' }, subtitle));
  }

  /** Meters with live values, the chosen meter's relay and charts. */
  private body(meters: Meter[], choose: (meterId: string) => void): void {
    this.root.append(el('h3', {}, 'Meters'), this.meterTable(meters, choose));
    const relay = el('div', { class: 'relay' });
    const charts = el('div', { class: 'charts' });
    this.root.append(relay, charts);
    void this.fillRelay(relay);
    void this.fillCharts(charts);
  }

  private meterTable(meters: Meter[], choose: (meterId: string) => void): HTMLElement {
    const table = el('table', { class: 'meters' });
    for (const m of meters) {
      const row = el('tr', { class: m.id === this.meter?.id ? 'selected' : '' });
      row.append(el('td', {}, el('button', { class: 'link', 'data-meter-id': m.id }, m.serial), el('br'),
        el('span', { class: 'muted' }, m.kind)));
      const values = el('td', { class: 'values' });
      for (const r of m.registers) {
        const cell = el('span', { class: 'value', 'data-meter': m.id, 'data-register': r.name });
        this.valueCells.set(`${m.id}|${r.name}`, cell);
        this.paintValue(m, r.name);
        values.append(el('span', { class: 'reg' }, `${r.name.replace(/_/g, ' ')} `, cell, ` ${r.unit}`), el('br'));
      }
      row.append(values);
      row.querySelector('button')!.addEventListener('click', () => choose(m.id));
      table.append(row);
    }
    if (!meters.length) table.append(el('tr', {}, el('td', {}, 'No meters here.')));
    return table;
  }

  /** A live value arrived: update its cell and flash it. */
  reading(meterId: string, register: string): void {
    const m = this.ctx.model.metersById.get(meterId);
    if (m && this.valueCells.has(`${meterId}|${register}`)) this.paintValue(m, register, true);
  }

  private paintValue(m: Meter, register: string, flash = false): void {
    const cell = this.valueCells.get(`${m.id}|${register}`);
    const v = this.ctx.state.values.get(m.id)?.get(register);
    if (!cell) return;
    cell.textContent = v ? formatNumber(v.value, Math.abs(v.value) < 100 ? 2 : 1) : '–';
    cell.title = v ? `at ${formatTime(v.ts, this.ctx.model.site.timeZone)}` : 'no reading yet';
    if (flash) {
      cell.classList.remove('flash');
      void cell.offsetWidth; // restart the CSS animation
      cell.classList.add('flash');
    }
  }

  private async fillBalance(target: HTMLElement, tenantId?: string): Promise<void> {
    if (!tenantId) return void target.append(el('p', { class: 'muted' }, 'No tenant.'));
    if (!this.ctx.caps.has('listTenantAccounts')) return void target.append(notAvailable('Balance'));
    try {
      const accounts = await api<{ items: { kind: string; balanceMinor: number; currency: string; status: string }[] }>(
        `/tenants/${tenantId}/accounts`);
      for (const a of accounts.items) {
        target.append(el('p', {}, `${a.kind === 'tenant_wallet' ? 'Wallet' : 'Receivable'}: `,
          el('strong', {}, formatMoney(a.balanceMinor, a.currency)), ' ', el('span', { class: `status ${a.status}` }, a.status)));
      }
    } catch (e) {
      target.append(el('p', { class: 'error' }, `Balance unavailable (${(e as Error).message})`));
    }
  }

  private async fillCost(target: HTMLElement, tenantId: string | undefined, meters: Meter[]): Promise<void> {
    if (!tenantId) return void target.append(el('p', { class: 'muted' }, 'No tenant.'));
    if (!this.ctx.caps.has('getTenantTariffs', 'quoteTariff')) return void target.append(notAvailable('Costs'));
    try {
      const cost = await monthCost(tenantId, meters, this.ctx.model.site.timeZone);
      cost.byMeter.forEach((minor, meterId) => this.ctx.state.costMonthMinor.set(meterId, minor));
      if (!cost.currency) return void target.append(el('p', { class: 'muted' }, 'No tariff in force for these meters.'));
      target.append(el('p', {}, el('strong', { 'data-cost': String(cost.totalMinor) }, formatMoney(cost.totalMinor, cost.currency)),
        ' so far, under the tenant\'s tariffs', cost.unrated.length ? ` (${cost.unrated.length} meters without a tariff)` : ''));
    } catch (e) {
      target.append(el('p', { class: 'error' }, `Cost unavailable (${(e as Error).message})`));
    }
  }

  private async fillRelay(target: HTMLElement): Promise<void> {
    const m = this.meter;
    this.relayCell = null;
    if (!m || m.kind !== 'electricity') return;
    if (!this.ctx.caps.has('getMeterRelay')) return void target.append(notAvailable('Relay'));
    const state = el('strong', { 'data-relay': m.id }, '…');
    this.relayCell = state;
    target.append(el('h3', {}, `Relay · ${m.serial}`), el('p', {}, 'State: ', state));
    try {
      state.textContent = (await api<{ state: string }>(`/meters/${m.id}/relay`)).state;
    } catch {
      state.textContent = 'unknown';
    }
    if (!['admin', 'operator'].includes(this.ctx.session.role) || !this.ctx.caps.has('createMeterCommand')) return;
    const out = el('p', { class: 'muted' });
    const button = (action: 'open' | 'close', text: string) => {
      const b = el('button', { 'data-action': action }, text);
      b.addEventListener('click', () => void this.command(m, action, out));
      return b;
    };
    target.append(el('p', {}, button('open', 'Cut off'), ' ', button('close', 'Restore')), out);
  }

  relay(meterId: string, state: string): void {
    if (this.relayCell && this.meter?.id === meterId) this.relayCell.textContent = state;
  }

  private async command(m: Meter, action: 'open' | 'close', out: HTMLElement): Promise<void> {
    const reason = prompt(`${action === 'open' ? 'Cut off' : 'Restore'} ${m.serial}: reason?`, 'operator request');
    if (!reason) return;
    let override = false;
    if (action === 'open' && m.criticalLoad) {
      override = confirm(`${m.serial} supplies a critical load. Cut it off anyway?`);
      if (!override) return;
    }
    try {
      const c = await api<{ id: string; state: string }>(`/meters/${m.id}/commands`, {
        method: 'POST', body: { action, reason, overrideCriticalLoad: override },
      });
      out.textContent = `Command ${c.state}; the relay state follows when the device confirms.`;
    } catch (e) {
      out.textContent = e instanceof ApiError ? `Refused: ${e.message}` : 'Command failed.';
    }
  }

  private async fillCharts(target: HTMLElement): Promise<void> {
    const m = this.meter;
    const register = m ? CUMULATIVE[m.kind] : null;
    if (!m || !register) return;
    const now = new Date();
    const width = Math.max(240, this.root.clientWidth - 32);
    const tz = this.ctx.model.site.timeZone;
    for (const [title, hours, interval] of [['Last 24 hours', 24, '1h'], ['Last 30 days', 24 * 30, '1d']] as const) {
      const box = el('div', { class: 'chart', 'data-chart': interval });
      target.append(el('h3', {}, `${title} · ${m.serial}`), box);
      try {
        const from = new Date(now.getTime() - hours * 3600_000).toISOString();
        const series = await api<{ unit: string; total: number; items: Bucket[] }>(
          `/meters/${m.id}/consumption?register=${register}&interval=${interval}&from=${from}&to=${now.toISOString()}`);
        if (this.meter !== m) return;
        this.charts.push(barChart(box, series.items, series.unit, tz, width));
        box.append(el('p', { class: 'muted' }, `Total ${formatNumber(series.total, 2)} ${series.unit}`));
      } catch (e) {
        box.append(el('p', { class: 'error' }, `No consumption (${(e as Error).message})`));
      }
    }
  }
}
