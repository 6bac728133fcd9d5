// The tenant portal (mobile first): balance and top-up, consumption by day, live values, invoices, transactions and
// the tenant's alarms. Parts whose API this server does not offer yet say so instead of failing.
import '../styles.css';
import { api, Capabilities, currentSession, listAll, logout, whenUnauthorized, type Session } from '../shared/api';
import { clear, el, formatMoney, formatNumber, formatTime, notAvailable } from '../shared/dom';
import { LiveSource, type LiveMessage } from '../shared/live';
import { showLogin } from '../shared/login';
import type { Meter, Site, Tenant, Unit } from '../shared/model';
import { Balance } from './balance';
import { ConsumptionCard } from './consumption';
import { InvoicesCard } from './invoices';

async function start(): Promise<void> {
  const app = document.getElementById('app')!;
  whenUnauthorized(() => location.reload());
  const existing = currentSession();
  const session = existing && existing.role === 'tenant' ? existing : await showLogin(document.body, 'Tenant portal', ['tenant']);
  const tenant = await api<Tenant>(`/tenants/${session.tenantId}`);
  const [site, meters, units, caps] = await Promise.all([
    api<Site>(`/sites/${tenant.siteId}`),
    listAll<Meter>(`/sites/${tenant.siteId}/meters`),
    listAll<Unit>(`/sites/${tenant.siteId}/units`),
    Capabilities.load(),
  ]);
  new Portal(app, session, tenant, site, meters, units, caps);
}

class Portal {
  private readonly liveCells = new Map<string, HTMLElement>();
  private readonly alarmsList = el('ul', { class: 'rows' }, el('li', { class: 'muted' }, 'No open alarms.'));
  private readonly balance: Balance;
  private readonly live: LiveSource;

  constructor(app: HTMLElement, session: Session, private readonly tenant: Tenant, private readonly site: Site, private readonly meters: Meter[],
              units: Unit[], caps: Capabilities) {
    const out = el('button', { class: 'link' }, 'Sign out');
    out.addEventListener('click', () => { logout(); location.reload(); });
    const unitNames = units.map((u) => u.name).join(', ');
    app.append(el('header', {}, el('div', {}, el('h1', {}, tenant.legalName),
      el('div', { class: 'muted' }, `${site.name} · ${unitNames} · ${tenant.billingMode}`)), out));
    const balanceCard = el('section', { class: 'card', id: 'balance' });
    this.balance = new Balance(balanceCard, tenant, caps);
    app.append(balanceCard);
    const consumption = el('section', { class: 'card', id: 'consumption' });
    new ConsumptionCard(consumption, tenant.id, meters, site.timeZone, caps);
    app.append(consumption, this.liveCard(), this.invoicesCard(caps), this.transactionsCard(caps),
      el('section', { class: 'card', id: 'alarms' }, el('h2', {}, 'Alarms'), this.alarmsList));
    this.live = new LiveSource({
      tenantId: session.tenantId, meters: meters.filter((m) => m.kind !== 'environment'),
      balances: caps.has('listTenantAccounts') ? () => this.balance.poll() : undefined,
      pollCycleMs: 10_000,
    });
    this.live.on((m) => this.onLive(m));
    void this.live.start();
    (window as any).__portal = { ready: true, liveMode: () => this.live.mode, balance: () => this.balance.current() };
  }

  private liveCard(): HTMLElement {
    const list = el('ul', { class: 'rows' });
    for (const m of this.meters.filter((x) => x.kind !== 'environment')) {
      const register = m.registers.find((r) => ['power_active', 'flow_rate', 'power_thermal'].includes(r.name)) ?? m.registers[0];
      const cell = el('strong', { 'data-meter': m.id }, '–');
      this.liveCells.set(`${m.id}|${register.name}`, cell);
      list.append(el('li', {}, el('span', {}, `${m.serial} · ${register.name.replace(/_/g, ' ')}`), el('span', {}, cell, ` ${register.unit}`)));
    }
    return el('section', { class: 'card', id: 'live' }, el('h2', {}, 'Now'), list);
  }

  private invoicesCard(caps: Capabilities): HTMLElement {
    const card = el('section', { class: 'card', id: 'invoices' }, el('h2', {}, 'Invoices'));
    if (caps.has('listInvoices', 'getInvoicePdf')) new InvoicesCard(card, this.tenant.id);
    else card.append(notAvailable('Invoices and PDF downloads'));
    return card;
  }

  private transactionsCard(caps: Capabilities): HTMLElement {
    const card = el('section', { class: 'card', id: 'transactions' }, el('h2', {}, 'Transactions'));
    if (!caps.has('listAccountTransactions', 'listTenantAccounts')) {
      card.append(notAvailable('Transactions'));
      return card;
    }
    const list = el('ul', { class: 'rows' });
    card.append(list);
    const refresh = async () => {
      const accounts = await this.balance.accounts();
      const items: { postedAt: string; kind: string; description?: string | null; amountMinor: number; currency: string }[] = [];
      for (const a of accounts) {
        const page = await api<{ items: { postedAt: string; kind: string; description?: string | null; amountMinor: number }[] }>(
          `/accounts/${a.id}/transactions?limit=20`);
        page.items.forEach((t) => items.push({ ...t, currency: a.currency }));
      }
      clear(list);
      items.sort((x, y) => y.postedAt.localeCompare(x.postedAt)).slice(0, 20).forEach((t) => list.append(el('li', {},
        el('span', {}, `${formatTime(t.postedAt, this.site.timeZone)} · ${t.description ?? t.kind.replace(/_/g, ' ')}`),
        el('strong', {}, formatMoney(t.amountMinor, t.currency)))));
      if (!items.length) list.append(el('li', { class: 'muted' }, 'No transactions yet.'));
    };
    this.balance.onChange(() => void refresh());
    void refresh();
    return card;
  }

  private readonly alarms = new Map<string, { message: string; kind: string; raisedAt: string; severity: string }>();

  private onLive(m: LiveMessage): void {
    if (m.type === 'reading') {
      const cell = this.liveCells.get(`${m.meterId}|${m.register}`);
      if (cell) cell.textContent = formatNumber(m.value, 2);
    } else if (m.type === 'balance') {
      this.balance.pushed(m);
    } else if (m.type === 'alarm') {
      if (m.change === 'cleared') this.alarms.delete(m.alarm.id);
      else this.alarms.set(m.alarm.id, m.alarm);
      clear(this.alarmsList);
      for (const a of this.alarms.values()) {
        this.alarmsList.append(el('li', {}, el('span', {}, `${a.severity}: ${a.message}`), el('span', { class: 'muted' }, formatTime(a.raisedAt, this.site.timeZone))));
      }
    }
    if (m.type === 'alarm' && !this.alarms.size) this.alarmsList.append(el('li', { class: 'muted' }, 'No open alarms.'));
  }
}

void start().catch((e) => {
  console.error(e);
  document.getElementById('app')!.append(el('p', { class: 'error' }, `The portal could not start: ${(e as Error).message}`));
});
