// The operator console beside the twin: alarms (fly to, acknowledge, clear), meter health, sites, bill runs, arrears
// and the financial overview. A panel whose API this server does not offer says so plainly.
import { api, ApiError, listAll, type Capabilities, type Session } from '../shared/api';
import { clear, el, formatMoney, formatTime, notAvailable } from '../shared/dom';
import type { Alarm } from '../shared/live';
import { mapLimited, type SiteModel, type Site } from '../shared/model';
import { BillRunsPanel } from './billRuns';
import { renderArrears as renderArrearsFromStatements, renderFinanceOverview } from './finance';
import type { LiveState } from './metrics';

type Tab = 'alarms' | 'health' | 'sites' | 'billruns' | 'arrears' | 'finance';
const TABS: [Tab, string][] = [
  ['alarms', 'Alarms'], ['health', 'Meter health'], ['sites', 'Sites'], ['billruns', 'Bill runs'],
  ['arrears', 'Arrears'], ['finance', 'Finance'],
];
const SEVERITY_ORDER: Record<string, number> = { critical: 0, warning: 1, info: 2 };

export interface ConsoleActions {
  flyToAlarm(alarm: Alarm): void;
}

export class OperatorConsole {
  private tab: Tab = 'alarms';
  private readonly body = el('div', { class: 'console-body' });
  private readonly tabs = new Map<Tab, HTMLButtonElement>();
  private billRuns: BillRunsPanel | undefined;

  constructor(
    root: HTMLElement,
    private readonly model: SiteModel,
    private readonly state: LiveState,
    private readonly caps: Capabilities,
    private readonly session: Session,
    private readonly actions: ConsoleActions,
  ) {
    const bar = el('nav', { class: 'tabs' });
    for (const [id, text] of TABS) {
      const b = el('button', { 'data-tab': id }, text);
      b.addEventListener('click', () => this.open(id));
      this.tabs.set(id, b);
      bar.append(b);
    }
    root.append(bar, this.body);
    this.open('alarms');
  }

  open(tab: Tab): void {
    this.tab = tab;
    this.billRuns?.close();
    this.billRuns = undefined;
    this.tabs.forEach((b, id) => b.classList.toggle('active', id === tab));
    clear(this.body);
    switch (tab) {
      case 'alarms': return this.renderAlarms();
      case 'health': return this.loading((t) => this.renderHealth(t));
      case 'sites': return this.loading((t) => this.renderSites(t));
      case 'billruns': return this.loading((t) => this.renderBillRuns(t));
      case 'arrears': return this.loading((t) => this.renderArrears(t));
      case 'finance': return this.loading((t) => this.renderFinance(t));
    }
  }

  /** Renders into its own container: if the user switches tabs meanwhile, the late result lands nowhere visible. */
  private loading(render: (target: HTMLElement) => Promise<void>): void {
    const target = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
    this.body.append(target);
    void render(target).catch((e) => target.append(el('p', { class: 'error' }, (e as Error).message)))
      .finally(() => target.firstChild?.remove());
  }

  /** The alarm list changed: redraw it if it is showing. */
  alarmsChanged(): void {
    const count = [...this.state.alarms.values()].filter((a) => a.state !== 'cleared').length;
    this.tabs.get('alarms')!.textContent = count ? `Alarms (${count})` : 'Alarms';
    if (this.tab === 'alarms') {
      clear(this.body);
      this.renderAlarms();
    }
  }

  private renderAlarms(): void {
    const alarms = [...this.state.alarms.values()].filter((a) => a.state !== 'cleared')
      .sort((a, b) => (SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]) || b.raisedAt.localeCompare(a.raisedAt));
    if (!alarms.length) return void this.body.append(el('p', { class: 'muted' }, 'No open alarms.'));
    const list = el('ul', { class: 'alarms' });
    const tz = this.model.site.timeZone;
    for (const a of alarms) {
      const meter = a.meterId ? this.model.metersById.get(a.meterId) : undefined;
      const unit = meter?.unitId ? this.model.unitsById.get(meter.unitId) : undefined;
      const show = el('button', { class: 'link alarm-go', 'data-alarm-id': a.id },
        `${a.kind.replace(/_/g, ' ')} · ${meter?.serial ?? 'site'}${unit ? ` · ${unit.name}` : ''}`);
      show.addEventListener('click', () => this.actions.flyToAlarm(a));
      const item = el('li', { class: `alarm ${a.severity} ${a.state}` }, el('span', { class: 'sev' }, a.severity), ' ', show,
        el('div', { class: 'muted' }, `${a.message} · ${formatTime(a.raisedAt, tz)}${a.state === 'acknowledged' ? ' · acknowledged' : ''}`));
      if (['admin', 'operator'].includes(this.session.role)) {
        if (a.state === 'active') item.append(this.alarmButton(a, 'acknowledge', 'Acknowledge'));
        item.append(this.alarmButton(a, 'clear', 'Clear'));
      }
      list.append(item);
    }
    this.body.append(list);
  }

  private alarmButton(a: Alarm, op: 'acknowledge' | 'clear', text: string): HTMLElement {
    const b = el('button', { class: 'small' }, text);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const updated = await api<Alarm>(`/alarms/${a.id}/${op}`, { method: 'POST' });
        if (updated.state === 'cleared') this.state.alarms.delete(a.id);
        else this.state.alarms.set(a.id, updated);
        this.alarmsChanged();
      } catch (e) {
        b.textContent = e instanceof ApiError ? e.message : 'failed';
      }
    });
    return b;
  }

  private async renderHealth(target: HTMLElement): Promise<void> {
    const body = target;
    try {
      const h = await api<{ offlineAfterSeconds: number; meters: { meterId: string; serial: string; protocol: string; online: boolean; lastSeenAt?: string | null; errorCount: number; lastError?: string | null }[]; gateways: { gateway: string; online: boolean; connected: boolean }[] }>(
        `/sites/${this.model.site.id}/device-health`);
      const online = h.meters.filter((m) => m.online).length;
      body.append(el('p', { class: 'health-summary' }, `${online} of ${h.meters.length} meters online`,
        ` · gateways: ${h.gateways.map((g) => `${g.gateway} ${g.online ? 'online' : 'offline'}`).join(', ') || 'none'}`));
      const byProtocol = new Map<string, { on: number; all: number }>();
      h.meters.forEach((m) => {
        const p = byProtocol.get(m.protocol) ?? { on: 0, all: 0 };
        p.all++;
        if (m.online) p.on++;
        byProtocol.set(m.protocol, p);
      });
      body.append(el('p', { class: 'muted' }, [...byProtocol].map(([p, c]) => `${p} ${c.on}/${c.all}`).join(' · ')));
      const problems = h.meters.filter((m) => !m.online || m.errorCount > 0).slice(0, 100);
      const list = el('ul', { class: 'health' });
      problems.forEach((m) => list.append(el('li', {}, `${m.serial} (${m.protocol}): ${m.online ? 'online' : 'offline'}`,
        m.errorCount ? `, ${m.errorCount} errors${m.lastError ? ` – ${m.lastError}` : ''}` : '',
        el('span', { class: 'muted' }, ` last seen ${formatTime(m.lastSeenAt, this.model.site.timeZone)}`))));
      body.append(problems.length ? list : el('p', { class: 'muted' }, 'No meter offline or with errors.'));
    } catch (e) {
      body.append(el('p', { class: 'error' }, `Device health unavailable: ${(e as Error).message}`));
    }
  }

  private async renderSites(target: HTMLElement): Promise<void> {
    const sites = await listAll<Site>('/sites');
    const list = el('ul', { class: 'sites' });
    for (const s of sites) {
      const a = el('a', { href: `/?site=${s.id}` }, s.name);
      list.append(el('li', { class: s.id === this.model.site.id ? 'current' : '' }, a, el('span', { class: 'muted' }, ` ${s.timeZone} · ${s.currency}`)));
    }
    target.append(list);
  }

  private async renderBillRuns(target: HTMLElement): Promise<void> {
    if (!this.caps.has('listBillRuns', 'createBillRun')) return void target.append(notAvailable('Bill runs'));
    this.billRuns = new BillRunsPanel(target, this.model.site.id, this.model.site.timeZone, this.session);
    await this.billRuns.render();
  }

  /** Past-due receivables from the postpaid statements; without that API, receivable balances from the ledger. */
  private async renderArrears(target: HTMLElement): Promise<void> {
    if (this.caps.has('getFinanceOverview', 'getTenantStatement')) return renderArrearsFromStatements(target, this.model);
    if (!this.caps.has('listTenantAccounts')) return void target.append(notAvailable('Accounts in arrears'));
    const rows: { tenant: string; owed: number; currency: string }[] = [];
    await mapLimited(this.model.tenants, 4, async (t) => {
      const accounts = await api<{ items: { kind: string; balanceMinor: number; currency: string }[] }>(`/tenants/${t.id}/accounts`);
      accounts.items.filter((a) => a.kind === 'tenant_receivable' && a.balanceMinor > 0)
        .forEach((a) => rows.push({ tenant: t.legalName, owed: a.balanceMinor, currency: a.currency }));
    });
    if (!rows.length) return void target.append(el('p', { class: 'muted' }, 'No tenant owes anything.'));
    const list = el('ul', {});
    rows.sort((a, b) => b.owed - a.owed).forEach((r) => list.append(el('li', {}, `${r.tenant}: ${formatMoney(r.owed, r.currency)}`)));
    target.append(list);
  }

  /** The financial overview: balances by account kind, and the auditor's checks, from the trial balance. */
  private async renderFinance(target: HTMLElement): Promise<void> {
    if (this.caps.has('getFinanceOverview')) {
      await renderFinanceOverview(target, this.model)
        .catch((e) => target.append(el('p', { class: 'error' }, `Financial overview unavailable: ${(e as Error).message}`)));
    }
    if (!this.caps.has('getTrialBalance')) return void target.append(notAvailable('Financial overview'));
    try {
      const tb = await api<TrialBalance>(`/finance/trial-balance?siteId=${this.model.site.id}`);
      const kinds = el('ul', { class: 'rows' });
      for (const k of tb.kinds) {
        kinds.append(el('li', {}, el('span', {}, `${k.kind.replace(/_/g, ' ')} (${k.accounts})`), el('strong', {}, formatMoney(k.balanceMinor, k.currency))));
      }
      const checks = el('p', { class: tb.balanced ? 'muted' : 'error', 'data-balanced': String(tb.balanced) },
        `${tb.balanced ? 'Ledger balanced' : 'Ledger NOT balanced'}: ${tb.accountsChecked} accounts, ${tb.transfersChecked} transfers checked`,
        tb.mismatches.length ? `, ${tb.mismatches.length} account mismatches` : '',
        tb.unbalancedTransfers.length ? `, ${tb.unbalancedTransfers.length} unbalanced transfers` : '');
      const totals = tb.currencies.map((c) => `${c.currency}: debits ${formatMoney(c.debitsMinor, c.currency)} = credits ${formatMoney(c.creditsMinor, c.currency)}`);
      target.append(el('h3', {}, 'Balances by account kind'), kinds.childElementCount ? kinds : el('p', { class: 'muted' }, 'No accounts yet.'),
        el('h3', {}, 'Trial balance'), checks, ...totals.map((t) => el('p', { class: 'muted' }, t)));
    } catch (e) {
      target.append(el('p', { class: 'error' }, `Trial balance unavailable: ${(e as Error).message}`));
    }
  }
}

interface TrialBalance {
  balanced: boolean; accountsChecked: number; transfersChecked: number;
  currencies: { currency: string; debitsMinor: number; creditsMinor: number }[];
  kinds: { kind: string; currency: string; accounts: number; balanceMinor: number }[];
  mismatches: unknown[]; unbalancedTransfers: unknown[];
}
