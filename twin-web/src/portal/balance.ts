// The tenant's balance with its status, and top-ups through the payment provider's checkout (the sandbox in the
// demo). A top-up is credited when the provider confirms it; the new balance then arrives live, without a reload.
import { api, ApiError, type Capabilities } from '../shared/api';
import { clear, el, formatMoney, notAvailable } from '../shared/dom';
import type { LiveMessage } from '../shared/live';
import type { Tenant } from '../shared/model';

export interface Account { id: string; kind: string; currency: string; balanceMinor: number; status: string; availableMinor?: number | null }

const TOP_UP_MINOR = [1000, 2000, 5000];

export class Balance {
  private wallet: Account | null = null;
  private awaitingPayment = false;
  private list: Account[] = [];
  private readonly listeners: (() => void)[] = [];
  private readonly amount = el('div', { class: 'big', 'data-balance': '' }, '…');
  private readonly status = el('span', { class: 'status' });
  private readonly message = el('p', { class: 'muted', role: 'status' });

  constructor(private readonly root: HTMLElement, private readonly tenant: Tenant, private readonly caps: Capabilities) {
    root.append(el('h2', {}, 'Balance'));
    if (!caps.has('listTenantAccounts')) {
      root.append(notAvailable('Balance and top-ups'));
      return;
    }
    root.append(this.amount, this.status, this.message);
    void this.poll();
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  current(): number | null {
    return this.wallet?.balanceMinor ?? this.list[0]?.balanceMinor ?? null;
  }

  async accounts(): Promise<Account[]> {
    if (!this.list.length) await this.poll();
    return this.list;
  }

  /** Reads the accounts (the polling path of the live source); answers them as balance messages. */
  async poll(): Promise<LiveMessage[]> {
    const res = await api<{ items: Account[] }>(`/tenants/${this.tenant.id}/accounts`);
    const first = !this.list.length;
    this.list = res.items;
    const wallet = res.items.find((a) => a.kind === 'tenant_wallet') ?? null;
    if (first) this.renderTopUp(wallet);
    this.show(wallet ?? res.items.find((a) => a.kind === 'tenant_receivable') ?? null);
    return [];
  }

  pushed(m: Extract<LiveMessage, { type: 'balance' }>): void {
    const a = this.list.find((x) => x.id === m.accountId);
    if (!a) return;
    a.balanceMinor = m.balanceMinor;
    a.status = m.status;
    this.show(a);
  }

  private show(a: Account | null): void {
    if (!a) return;
    const changed = this.wallet?.balanceMinor !== a.balanceMinor || this.wallet?.status !== a.status;
    this.wallet = { ...a };
    this.amount.textContent = formatMoney(a.balanceMinor, a.currency);
    this.amount.setAttribute('data-balance', String(a.balanceMinor));
    this.status.className = `status ${a.status}`;
    this.status.textContent = a.kind === 'tenant_receivable' ? `owed · ${a.status}` : a.status;
    if (changed && this.awaitingPayment) {
      this.awaitingPayment = false;
      this.message.textContent = `Payment received: your balance is ${formatMoney(a.balanceMinor, a.currency)}.`;
    }
    if (changed) this.listeners.forEach((l) => l());
  }

  private renderTopUp(wallet: Account | null): void {
    if (!wallet || this.tenant.billingMode !== 'prepaid') return;
    if (!this.caps.has('createTopUp')) {
      this.root.append(notAvailable('Top-ups'));
      return;
    }
    const row = el('div', { class: 'topup' });
    for (const minor of TOP_UP_MINOR) {
      const b = el('button', { 'data-topup': String(minor) }, `Top up ${formatMoney(minor, wallet.currency)}`);
      b.addEventListener('click', () => void this.topUp(wallet, minor));
      row.append(b);
    }
    this.root.append(row);
  }

  private async topUp(wallet: Account, amountMinor: number): Promise<void> {
    clear(this.message);
    // Opened before the request, inside the click, so browsers do not block it as a pop-up.
    const checkout = window.open('', '_blank');
    try {
      const t = await api<{ id: string; state: string; checkoutUrl?: string | null }>(`/accounts/${wallet.id}/top-ups`, {
        method: 'POST', headers: { 'Idempotency-Key': crypto.randomUUID() }, body: { amountMinor, provider: 'sandbox' },
      });
      if (t.checkoutUrl && checkout) checkout.location.href = t.checkoutUrl;
      else if (t.checkoutUrl) location.href = t.checkoutUrl;
      this.message.textContent = 'Complete the payment in the checkout; your balance updates here when it is confirmed.';
      this.awaitingPayment = true;
    } catch (e) {
      checkout?.close();
      this.message.textContent = e instanceof ApiError ? `Top-up refused: ${e.message}` : 'Top-up failed.';
    }
  }
}
