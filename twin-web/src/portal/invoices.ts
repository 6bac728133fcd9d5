// The tenant's invoices and credit notes (issued ones: drafts are the operator's), newest first, each with its PDF.
import { api, ApiError } from '../shared/api';
import { clear, el, formatMoney } from '../shared/dom';
import { downloadWithToken } from '../shared/download';

interface Invoice {
  id: string; kind: 'invoice' | 'credit_note'; status: string; number?: string | null;
  periodFrom: string; periodTo: string; currency: string; totalMinor: number; dueDate?: string | null;
  issuedAt?: string | null;
}

export class InvoicesCard {
  private readonly list = el('ul', { class: 'rows invoices' });

  constructor(card: HTMLElement, private readonly tenantId: string) {
    card.append(this.list);
    void this.refresh().catch((e) => card.append(el('p', { class: 'error' }, (e as Error).message)));
  }

  async refresh(): Promise<void> {
    const page = await api<{ items: Invoice[] }>(`/invoices?tenantId=${this.tenantId}&status=issued&limit=24`);
    clear(this.list);
    const items = page.items.sort((a, b) => (b.issuedAt ?? '').localeCompare(a.issuedAt ?? ''));
    if (!items.length) this.list.append(el('li', { class: 'muted' }, 'No invoices yet.'));
    for (const inv of items) {
      const pdf = el('button', { class: 'small', 'data-invoice-pdf': inv.id }, 'PDF');
      pdf.addEventListener('click', () => void downloadWithToken(`/invoices/${inv.id}/pdf`, `${inv.number ?? inv.id}.pdf`,
        'application/pdf').catch((e) => { pdf.textContent = e instanceof ApiError ? e.message : 'failed'; }));
      const sign = inv.kind === 'credit_note' ? -1 : 1;
      this.list.append(el('li', { 'data-invoice-id': inv.id },
        el('span', {}, `${inv.kind === 'credit_note' ? 'Credit note' : 'Invoice'} ${inv.number ?? ''}`,
          el('div', { class: 'muted' }, `${inv.periodFrom} to ${inv.periodTo}${inv.dueDate ? ` · due ${inv.dueDate}` : ''}`)),
        el('span', {}, el('strong', {}, formatMoney(sign * inv.totalMinor, inv.currency)), ' ', pdf)));
    }
  }
}
