// The console's money views: the financial overview of a month (billed, collected, receivables with aging, prepaid
// liabilities, top-ups, tenants in arrears or cut off) and the tenants in arrears with their oldest debt.
import { api } from '../shared/api';
import { el, formatMoney } from '../shared/dom';
import { siteToday, type SiteModel } from '../shared/model';

export interface Aging {
  asOf: string; notDueMinor: number; days0To30Minor: number; days31To60Minor: number; days61To90Minor: number;
  days90PlusMinor: number; pastDueMinor: number; totalMinor: number;
}

interface FinanceOverview {
  currency: string; from: string; to: string;
  billed: { revenueByUtilityMinor: Record<string, number>; taxMinor: number; totalMinor: number; invoices: number; creditNotes: number };
  collected: { paymentsMinor: number; refundsMinor: number; netMinor: number };
  collectionRate: number | null;
  outstanding: { receivablesMinor: number; tenantCreditMinor: number; aging: Aging };
  prepaidLiabilities: { walletsMinor: number; wallets: number };
  topUps: { count: number; totalMinor: number };
  tenantsInArrears: { count: number; tenantIds: string[] };
  tenantsCutOff: { count: number; tenantIds: string[] };
}

interface Statement {
  closingBalanceMinor: number; currency: string; aging: Aging;
  openInvoices: { number: string; dueDate: string; openMinor: number; daysPastDue: number }[];
}

/** The site-local calendar month containing today, as [first day, first day of the next month). */
function thisMonth(timeZone: string): { from: string; to: string } {
  const today = siteToday(timeZone);
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
  return { from: `${today.slice(0, 7)}-01`, to: `${next}-01` };
}

export async function renderFinanceOverview(target: HTMLElement, model: SiteModel): Promise<void> {
  const { from, to } = thisMonth(model.site.timeZone);
  const o = await api<FinanceOverview>(`/finance/overview?siteId=${model.site.id}&from=${from}&to=${to}`);
  const money = (m: number) => formatMoney(m, o.currency);
  const rows = el('ul', { class: 'rows finance-overview', 'data-from': o.from });
  const row = (label: string, value: string, key: string) =>
    rows.append(el('li', { 'data-key': key }, el('span', {}, label), el('strong', {}, value)));
  for (const [utility, minor] of Object.entries(o.billed.revenueByUtilityMinor)) row(`Billed ${utility}`, money(minor), `billed-${utility}`);
  row('Billed tax', money(o.billed.taxMinor), 'billed-tax');
  row(`Billed total (${o.billed.invoices} invoices, ${o.billed.creditNotes} credit notes)`, money(o.billed.totalMinor), 'billed-total');
  row('Collected (net of refunds)', money(o.collected.netMinor), 'collected');
  row('Collection rate', o.collectionRate == null ? '–' : `${(o.collectionRate * 100).toFixed(1)} %`, 'collection-rate');
  row('Outstanding receivables', money(o.outstanding.receivablesMinor), 'receivables');
  row('Tenant credit held', money(o.outstanding.tenantCreditMinor), 'tenant-credit');
  row(`Prepaid liabilities (${o.prepaidLiabilities.wallets} wallets)`, money(o.prepaidLiabilities.walletsMinor), 'prepaid');
  row(`Top-ups (${o.topUps.count})`, money(o.topUps.totalMinor), 'top-ups');
  row('Tenants in arrears', String(o.tenantsInArrears.count), 'arrears');
  row('Tenants cut off', String(o.tenantsCutOff.count), 'cut-off');
  target.append(el('h3', {}, `This month (${o.from} to ${o.to}, exclusive)`), rows,
    el('h3', {}, 'Receivables by age'), agingTable(o.outstanding.aging, o.currency));
}

export function agingTable(a: Aging, currency: string): HTMLElement {
  const buckets: [string, number][] = [['not due', a.notDueMinor], ['0-30 days', a.days0To30Minor],
    ['31-60 days', a.days31To60Minor], ['61-90 days', a.days61To90Minor], ['90+ days', a.days90PlusMinor]];
  const table = el('table', { class: 'aging' }, el('tr', {}, ...buckets.map(([label]) => el('th', {}, label))),
    el('tr', {}, ...buckets.map(([, minor]) => el('td', {}, formatMoney(minor, currency)))));
  return table;
}

/** Tenants owing money past due, largest first, with their oldest open invoice. */
export async function renderArrears(target: HTMLElement, model: SiteModel): Promise<void> {
  const { from, to } = thisMonth(model.site.timeZone);
  const o = await api<FinanceOverview>(`/finance/overview?siteId=${model.site.id}&from=${from}&to=${to}`);
  if (!o.tenantsInArrears.count) return void target.append(el('p', { class: 'muted' }, 'No tenant is in arrears.'));
  const names = new Map(model.tenants.map((t) => [t.id, t.legalName]));
  const rows: { name: string; s: Statement }[] = [];
  for (const id of o.tenantsInArrears.tenantIds.slice(0, 50)) {
    rows.push({ name: names.get(id) ?? id, s: await api<Statement>(`/tenants/${id}/statement?from=${from}&to=${to}`) });
  }
  const list = el('ul', { class: 'rows arrears' });
  rows.sort((a, b) => b.s.aging.pastDueMinor - a.s.aging.pastDueMinor).forEach(({ name, s }) => {
    const oldest = [...s.openInvoices].sort((a, b) => b.daysPastDue - a.daysPastDue)[0];
    list.append(el('li', {}, el('span', {}, name, el('div', { class: 'muted' },
      oldest ? `oldest ${oldest.number}, ${oldest.daysPastDue} days past due` : '')),
      el('strong', {}, formatMoney(s.aging.pastDueMinor, s.currency))));
  });
  target.append(list);
}
