// The console's bill runs: start a run for a month, watch its progress, finalize and issue it, export its CSV.
// While a run is queued or running the list refreshes itself every two seconds.
import { api, ApiError, listAll, type Session } from '../shared/api';
import { clear, el, formatTime } from '../shared/dom';
import { downloadWithToken } from '../shared/download';
import { siteToday } from '../shared/model';

export interface BillRun {
  id: string; siteId: string; periodFrom: string; periodTo: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  tenantsTotal: number; tenantsDone: number; tenantsFailed: number;
  outcomes: Record<string, number>;
  failures: { tenantId: string; tenantName?: string | null; reason: string }[];
  error?: string | null; createdAt: string; finishedAt?: string | null;
}

const REFRESH_MS = 2000;

export class BillRunsPanel {
  private readonly list = el('div', { class: 'bill-runs' });
  private timer: number | undefined;

  constructor(private readonly target: HTMLElement, private readonly siteId: string, private readonly timeZone: string,
              private readonly session: Session) {}

  async render(): Promise<void> {
    if (['admin', 'operator'].includes(this.session.role)) this.target.append(this.startForm());
    this.target.append(this.list);
    await this.refresh();
  }

  /** Stops the self-refresh (the tab was left). */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private startForm(): HTMLElement {
    const month = el('input', { type: 'month', name: 'period', value: previousMonth(this.timeZone) });
    const start = el('button', { class: 'small', type: 'submit' }, 'Start bill run');
    const note = el('span', { class: 'muted' });
    const form = el('form', { class: 'bill-run-start' }, month, start, note);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      start.disabled = true;
      note.textContent = '';
      try {
        await api<BillRun>('/bill-runs', { method: 'POST', body: { siteId: this.siteId, period: month.value } });
        await this.refresh();
      } catch (e) {
        note.textContent = e instanceof ApiError ? e.message : 'failed';
      } finally {
        start.disabled = false;
      }
    });
    return form;
  }

  private async refresh(): Promise<void> {
    this.close();
    const runs = await listAll<BillRun>('/bill-runs', { siteId: this.siteId });
    clear(this.list);
    if (!runs.length) this.list.append(el('p', { class: 'muted' }, 'No bill runs yet.'));
    runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 20).forEach((r) => this.list.append(this.runCard(r)));
    if (runs.some((r) => r.status === 'queued' || r.status === 'running') && this.list.isConnected) {
      this.timer = window.setTimeout(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    }
  }

  private runCard(r: BillRun): HTMLElement {
    const pct = r.tenantsTotal ? Math.round((100 * r.tenantsDone) / r.tenantsTotal) : 0;
    const outcomes = Object.entries(r.outcomes).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
    const card = el('div', { class: `bill-run ${r.status}`, 'data-run-id': r.id, 'data-status': r.status },
      el('strong', {}, `${r.periodFrom} – ${lastDay(r.periodTo)}`), ' ',
      el('span', { class: 'sev' }, r.status),
      el('div', { class: 'muted' }, `${r.tenantsDone}/${r.tenantsTotal} tenants (${pct} %)`,
        r.tenantsFailed ? ` · ${r.tenantsFailed} failed` : '', outcomes ? ` · ${outcomes}` : '',
        ` · started ${formatTime(r.createdAt, this.timeZone)}`),
      el('progress', { max: String(Math.max(1, r.tenantsTotal)), value: String(r.tenantsDone) }));
    if (r.error) card.append(el('p', { class: 'error' }, r.error));
    if (r.failures.length) {
      const f = el('ul', { class: 'failures' });
      r.failures.slice(0, 10).forEach((x) => f.append(el('li', {}, `${x.tenantName ?? x.tenantId}: ${x.reason}`)));
      card.append(f);
    }
    if (r.status === 'completed') {
      if (['admin', 'operator'].includes(this.session.role)) {
        card.append(this.action(r, 'finalize', 'Finalize'), this.action(r, 'issue', 'Issue'));
      }
      const csv = el('button', { class: 'small' }, 'Export CSV');
      csv.addEventListener('click', () => void downloadWithToken(`/bill-runs/${r.id}/export`,
        `bill-run-${r.periodFrom}.csv`, 'text/csv').catch((e) => { csv.textContent = (e as Error).message; }));
      card.append(csv);
    }
    return card;
  }

  private action(r: BillRun, op: 'finalize' | 'issue', text: string): HTMLElement {
    const b = el('button', { class: 'small', 'data-action': op }, text);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const done = await api<{ count: number }>(`/bill-runs/${r.id}/${op}`, { method: 'POST' });
        b.textContent = `${text}d: ${done.count}`;
      } catch (e) {
        b.textContent = e instanceof ApiError ? e.message : 'failed';
      }
    });
    return b;
  }
}

/** The site-local month before this one ("YYYY-MM"): the month a bill run is usually for. */
function previousMonth(timeZone: string): string {
  const today = siteToday(timeZone);
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** Periods are stored with an exclusive end; people read the last day. */
function lastDay(exclusiveEnd: string): string {
  const d = new Date(`${exclusiveEnd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
