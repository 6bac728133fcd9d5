// LiveSource: the one place the pages get live values from. It speaks the live hub's WebSocket (/api/v1/live,
// docs/protocols.md "Live push") when the server has one, and otherwise polls the REST API at a modest, bounded
// rate. Either way subscribers see the same messages, so nothing else changes when the transport does.
import { api, currentSession } from './api';
import type { Meter } from './model';
import { mapLimited } from './model';

export interface Alarm {
  id: string; siteId: string; meterId?: string | null; kind: string; severity: 'info' | 'warning' | 'critical';
  state: 'active' | 'acknowledged' | 'cleared'; message: string; raisedAt: string; lastSeenAt: string;
  occurrences: number; details?: Record<string, unknown>;
}

export type LiveMessage =
  | { type: 'reading'; meterId: string; register: string; value: number; unit?: string; ts: string }
  | { type: 'alarm'; change: 'raised' | 'acknowledged' | 'cleared'; alarm: Alarm }
  | { type: 'relay'; meterId: string; state: string }
  | { type: 'balance'; tenantId: string; accountId: string; balanceMinor: number; currency: string; status: string }
  | { type: 'interval'; meterId: string; register: string };

export interface LiveOptions {
  /** Operators: the site to follow. Tenants: leave out and give tenantId. */
  siteId?: string;
  tenantId?: string;
  meters: Meter[];
  /** Poll the tenants' wallets (when the ledger API exists on this server). */
  balances?: () => Promise<LiveMessage[]>;
  pollCycleMs?: number;
  focusCycleMs?: number;
}

type Handler = (m: LiveMessage) => void;

/** Requests in flight at once while polling: the demo's 161 meters take about 10 s per cycle at this rate. */
const POLL_CONCURRENCY = 4;
const MAX_READINGS_PER_METER = 12;
const WS_RETRY_MS = 30_000;

export class LiveSource {
  mode: 'connecting' | 'websocket' | 'polling' = 'connecting';
  /** Messages delivered so far (tests and the status line read it). */
  received = 0;
  private readonly handlers: Handler[] = [];
  private readonly newest = new Map<string, string>();
  private readonly alarmStates = new Map<string, string>();
  private readonly relayStates = new Map<string, string>();
  private focused: string[] = [];
  private timers: number[] = [];
  private socket: WebSocket | null = null;
  private stopped = false;
  private cycleRunning = false;

  private readonly options: LiveOptions;

  constructor(options: LiveOptions) {
    // Unit electricity meters first: they colour the twin, so a first cycle shows something soon.
    const rank = (m: Meter) => (m.kind === 'electricity' && m.unitId ? 0 : m.kind === 'environment' || m.kind === 'heat' || m.kind === 'cooling' ? 1 : 2);
    this.options = { ...options, meters: [...options.meters].sort((a, b) => rank(a) - rank(b)) };
  }

  on(handler: Handler): void {
    this.handlers.push(handler);
  }

  /** Meters the user is looking at: polled more often, their relay followed. */
  focus(meterIds: string[]): void {
    this.focused = meterIds.slice(0, 16);
    if (this.mode === 'polling') void this.pollFocused();
  }

  async start(): Promise<void> {
    this.stopped = false;
    if (await this.hubAvailable()) {
      this.connect();
    } else {
      this.startPolling();
    }
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach((t) => clearInterval(t));
    this.timers = [];
    this.socket?.close();
    this.socket = null;
  }

  private emit(m: LiveMessage): void {
    this.received++;
    for (const h of this.handlers) {
      try {
        h(m);
      } catch (e) {
        console.error('live handler failed', e);
      }
    }
  }

  /** Newer than what was delivered for this meter register? (Live values never go back in time.) */
  private fresh(meterId: string, register: string, ts: string): boolean {
    const key = `${meterId}|${register}`;
    const seen = this.newest.get(key);
    if (seen !== undefined && Date.parse(seen) >= Date.parse(ts)) return false;
    this.newest.set(key, ts);
    return true;
  }

  // ---- WebSocket (the live hub) ----

  /** The hub answers a plain GET with 426 Upgrade Required; a server without it answers 404. */
  private async hubAvailable(): Promise<boolean> {
    const s = currentSession();
    if (!s || typeof WebSocket === 'undefined') return false;
    try {
      const res = await fetch('/api/v1/live', { headers: { Authorization: `Bearer ${s.token}` } });
      return res.status === 426;
    } catch {
      return false;
    }
  }

  private connect(): void {
    const s = currentSession();
    if (!s || this.stopped) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live`;
    const socket = new WebSocket(url, ['gridledger.v1', `bearer.${s.token}`]);
    this.socket = socket;
    socket.onmessage = (e) => this.onSocketMessage(socket, String(e.data));
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      // Keep the page live over REST meanwhile, and try the hub again later.
      this.startPolling();
      this.timers.push(window.setTimeout(() => {
        if (!this.stopped && this.mode === 'polling') {
          this.stopPolling();
          this.connect();
        }
      }, WS_RETRY_MS));
    };
  }

  /** A frame is one message (an object) or the messages pushed together in one tick (an array of them, in order). */
  private onSocketMessage(socket: WebSocket, text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const messages = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, any>[];
    for (const m of messages) {
      if (m && typeof m === 'object') this.onLiveMessage(socket, m);
    }
  }

  private onLiveMessage(socket: WebSocket, m: Record<string, any>): void {
    switch (m.type) {
      case 'ready': {
        this.mode = 'websocket';
        const topics = this.options.siteId ? [`site:${this.options.siteId}`] : [`tenant:${this.options.tenantId}`];
        socket.send(JSON.stringify({ op: 'subscribe', id: 'initial', topics }));
        // The hub pushes alarm changes, not the alarms already open: those come from the REST list once.
        void this.pollAlarms().catch((e) => console.warn('alarm list failed', e));
        break;
      }
      case 'reading':
        if (this.fresh(m.meterId, m.register, m.ts)) {
          this.emit({ type: 'reading', meterId: m.meterId, register: m.register, value: m.value, unit: m.unit, ts: m.ts });
        }
        break;
      case 'alarm':
        this.alarmStates.set(m.alarm.id, m.alarm.state);
        this.emit({ type: 'alarm', change: m.change, alarm: m.alarm });
        break;
      case 'relay':
        this.emit({ type: 'relay', meterId: m.meterId, state: m.state });
        break;
      case 'balance':
        this.emit({ type: 'balance', tenantId: m.tenantId, accountId: m.accountId, balanceMinor: m.balanceMinor,
          currency: m.currency, status: m.status });
        break;
      case 'interval':
        this.emit({ type: 'interval', meterId: m.meterId, register: m.register });
        break;
      default:
        break; // subscribed, errors, bill runs: nothing the pages show yet
    }
  }

  // ---- polling (until the hub is there) ----

  private startPolling(): void {
    if (this.mode === 'polling' || this.stopped) return;
    this.mode = 'polling';
    const cycle = this.options.pollCycleMs ?? 15_000;
    const focusCycle = this.options.focusCycleMs ?? 5_000;
    void this.pollCycle();
    this.timers.push(window.setInterval(() => void this.pollCycle(), cycle));
    this.timers.push(window.setInterval(() => void this.pollFocused(), focusCycle));
  }

  private stopPolling(): void {
    this.timers.forEach((t) => clearInterval(t));
    this.timers = [];
  }

  private async pollCycle(): Promise<void> {
    if (this.cycleRunning || document.hidden) return;
    this.cycleRunning = true;
    try {
      await this.pollAlarms();
      if (this.options.balances) (await this.options.balances()).forEach((b) => this.emit(b));
      await mapLimited(this.options.meters, POLL_CONCURRENCY, (m) => this.pollMeter(m));
    } catch (e) {
      console.warn('live poll failed', e);
    } finally {
      this.cycleRunning = false;
    }
  }

  private async pollFocused(): Promise<void> {
    if (document.hidden) return;
    const meters = this.options.meters.filter((m) => this.focused.includes(m.id));
    await Promise.all(meters.map(async (m) => {
      await this.pollMeter(m);
      await this.pollRelay(m);
    }));
  }

  private async pollMeter(meter: Meter): Promise<void> {
    const limit = Math.min(MAX_READINGS_PER_METER, Math.max(1, meter.registers.length));
    try {
      const page = await api<{ items: { register: string; ts: string; value: number; unit: string }[] }>(
        `/meters/${meter.id}/readings?limit=${limit}`);
      const seen = new Set<string>();
      for (const r of page.items) {
        if (seen.has(r.register)) continue; // newest first: the first of each register is its live value
        seen.add(r.register);
        if (this.fresh(meter.id, r.register, r.ts)) {
          this.emit({ type: 'reading', meterId: meter.id, register: r.register, value: r.value, unit: r.unit, ts: r.ts });
        }
      }
    } catch {
      // one meter failing (deleted meanwhile, a transient error) does not stop the cycle
    }
  }

  private async pollRelay(meter: Meter): Promise<void> {
    if (meter.kind !== 'electricity') return;
    try {
      const relay = await api<{ state: string }>(`/meters/${meter.id}/relay`);
      if (this.relayStates.get(meter.id) !== relay.state) {
        this.relayStates.set(meter.id, relay.state);
        this.emit({ type: 'relay', meterId: meter.id, state: relay.state });
      }
    } catch {
      // no relay API on this server, or not visible: nothing to follow
    }
  }

  private async pollAlarms(): Promise<void> {
    const site = this.options.siteId ? `&siteId=${this.options.siteId}` : '';
    const [active, acknowledged] = await Promise.all(['active', 'acknowledged'].map((state) =>
      api<{ items: Alarm[] }>(`/alarms?state=${state}&limit=500${site}`)));
    const open = new Map<string, Alarm>();
    [...active.items, ...acknowledged.items].forEach((a) => open.set(a.id, a));
    for (const [id, alarm] of open) {
      const before = this.alarmStates.get(id);
      if (before !== alarm.state) {
        this.alarmStates.set(id, alarm.state);
        this.emit({ type: 'alarm', change: before === undefined ? 'raised' : 'acknowledged', alarm });
      }
    }
    for (const id of [...this.alarmStates.keys()]) {
      if (!open.has(id)) {
        this.alarmStates.delete(id);
        this.emit({ type: 'alarm', change: 'cleared', alarm: { id, state: 'cleared' } as Alarm });
      }
    }
  }
}
