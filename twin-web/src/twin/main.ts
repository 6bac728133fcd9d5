// The operator's twin: the site drawn from the REST API, coloured by a metric, live, with the console around it.
import * as THREE from 'three';
import '../styles.css';
import { api, Capabilities, currentSession, listAll, logout, whenUnauthorized, type Session } from '../shared/api';
import { monthCost } from '../shared/costs';
import { el } from '../shared/dom';
import { LiveSource, type Alarm, type LiveMessage } from '../shared/live';
import { showLogin } from '../shared/login';
import { mapLimited, SiteModel, type Meter, type Site, type Unit } from '../shared/model';
import { Buildings } from './buildings';
import { OperatorConsole } from './console';
import { mergePrisms } from './geometry';
import { AlarmMarkers } from './markers';
import { KIND_COLOURS, MeterGlyphs } from './meterGlyphs';
import { LiveState, metrics, range, type Metric } from './metrics';
import { Overlays } from './overlay';
import { UnitPanel } from './panel';
import { Stage } from './stage';
import { Toolbar } from './toolbar';

const ENERGY_REFRESH_MS = 5 * 60_000;
const COSTS_REFRESH_MS = 10 * 60_000;

async function start(): Promise<void> {
  const app = document.getElementById('app')!;
  whenUnauthorized(() => location.reload());
  const session = currentSession() && currentSession()!.role !== 'tenant' ? currentSession()!
    : await showLogin(document.body, 'Gridledger twin', ['admin', 'operator', 'integration']);
  const sites = await listAll<Site>('/sites');
  const wanted = new URLSearchParams(location.search).get('site');
  const site = sites.find((s) => s.id === wanted) ?? sites[0];
  if (!site) {
    app.append(el('p', { class: 'empty' }, 'No site is visible to this login.'));
    return;
  }
  const [model, caps] = await Promise.all([SiteModel.load(site.id), Capabilities.load()]);
  new Twin(app, model, caps, session);
}

class Twin {
  private readonly state = new LiveState();
  private readonly stage: Stage;
  private readonly buildings: Buildings;
  private readonly overlays: Overlays;
  private readonly markers: AlarmMarkers;
  private readonly glyphs: MeterGlyphs;
  private readonly panel: UnitPanel;
  private readonly console: OperatorConsole;
  private readonly live: LiveSource;
  private readonly metricList: Metric[];
  private metric: Metric;
  private readonly legend = el('div', { class: 'legend' });
  private readonly status = el('span', { class: 'status-line' });
  private recolourPending = false;
  private selection: THREE.LineSegments | null = null;
  private selectedUnitId: string | null = null;
  private readonly colour = new THREE.Color();
  private costsAt = 0;
  private readonly walletIds = new Set<string>();
  private readonly outline = new THREE.LineBasicMaterial({ color: 0xff00aa, depthTest: false });

  constructor(app: HTMLElement, private readonly model: SiteModel, caps: Capabilities, session: Session) {
    const canvas = el('canvas', { class: 'scene', 'aria-label': `3D twin of ${model.site.name}` });
    const viewport = el('div', { class: 'viewport' }, canvas, this.legend);
    const side = el('aside', { class: 'console' });
    const detail = el('aside', { class: 'panel' });
    detail.hidden = true;
    const toolbarEl = el('header', { class: 'toolbar' });
    app.append(toolbarEl, el('main', { class: 'layout' }, side, viewport, detail));
    this.stage = new Stage(canvas);
    this.buildings = new Buildings(this.stage, model);
    this.overlays = new Overlays(model, this.buildings);
    this.markers = new AlarmMarkers(model, this.buildings);
    this.glyphs = new MeterGlyphs(model, this.buildings, this.stage.scene);
    this.buildings.onFloorsMoved = () => this.glyphs.layout();
    this.live = new LiveSource({
      siteId: model.site.id, meters: model.meters,
      balances: caps.has('listTenantAccounts') ? () => this.balances() : undefined,
    });
    this.panel = new UnitPanel(detail, { model, state: this.state, caps, session, focus: (ids) => this.live.focus(ids) },
      () => this.select(null));
    this.console = new OperatorConsole(side, model, this.state, caps, session, { flyToAlarm: (a) => this.flyToAlarm(a) });
    this.metricList = metrics(model, this.state, caps.has('listTenantAccounts'), caps.has('getTenantTariffs', 'quoteTariff'));
    this.metric = this.metricList[0];
    this.state.costCurrencyDigits = new Intl.NumberFormat('en', { style: 'currency', currency: model.site.currency })
      .resolvedOptions().maximumFractionDigits ?? 2;
    new Toolbar(toolbarEl, model, this.metricList, session, this.status, {
      metric: (m) => this.setMetric(m),
      explode: (on) => this.buildings.setExplode(on ? 1 : 0),
      isolate: (floorId) => this.isolate(floorId),
      environment: (on) => {
        this.overlays.environment = on;
        this.overlays.updateEnvironment(this.state);
        this.stage.requestRender();
      },
      labels: (on) => { this.overlays.allLabels = on; this.overlays.updateLabels(this.selectedUnitId); this.stage.requestRender(); },
      meters: (on) => { this.glyphs.mesh.visible = on; this.recolour(false); this.stage.requestRender(); },
      find: (unit) => this.select(unit, true),
      logout: () => { logout(); location.reload(); },
    });
    this.wirePointer(canvas);
    this.live.on((m) => this.onLive(m));
    void this.live.start();
    // Wallets once at the start, whatever the transport: they name the accounts whose pushes colour the units.
    if (caps.has('listTenantAccounts')) void this.balances().then((ms) => ms.forEach((b) => this.onLive(b)));
    void this.refreshEnergy();
    setInterval(() => void this.refreshEnergy(), ENERGY_REFRESH_MS);
    setInterval(() => this.paintStatus(), 1000);
    const { center, radius } = this.buildings.siteSphere();
    void this.stage.flyTo(center, radius * 0.75, false);
    this.setMetric(this.metric);
    this.expose();
  }

  private onLive(m: LiveMessage): void {
    switch (m.type) {
      case 'reading':
        this.state.setReading(m.meterId, m.register, m.value, m.unit, m.ts);
        this.panel.reading(m.meterId, m.register);
        if (this.overlays.environment) {
          this.overlays.updateEnvironment(this.state);
          this.stage.requestRender();
        }
        break;
      case 'alarm':
        if (m.change === 'cleared') {
          this.state.alarms.delete(m.alarm.id);
          this.markers.hide(m.alarm.id);
        } else {
          this.state.alarms.set(m.alarm.id, m.alarm);
          this.markers.show(m.alarm);
        }
        this.console.alarmsChanged();
        break;
      case 'relay':
        this.panel.relay(m.meterId, m.state);
        break;
      case 'balance':
        // Only prepaid wallets colour the units; a receivable's or a postpaid tenant's message is not a wallet status.
        if (this.walletIds.has(m.accountId)) {
          this.state.walletStatus.set(m.tenantId, { status: m.status, balanceMinor: m.balanceMinor, currency: m.currency });
        }
        break;
      case 'interval':
        // The hub says new intervals were stored: today's energy of a unit meter moved.
        if (m.register === 'energy_active_import' && this.model.metersById.get(m.meterId)?.unitId) {
          void this.refreshEnergyOf(m.meterId).then(() => this.scheduleRecolour());
        }
        break;
    }
    this.scheduleRecolour();
  }

  /** Every tenant's wallet, as balance messages (the polling path; the hub pushes them instead). */
  private async balances(): Promise<LiveMessage[]> {
    const wallets = await mapLimited(this.model.tenants, 4, async (t): Promise<LiveMessage | null> => {
      try {
        const res = await api<{ items: { id: string; kind: string; balanceMinor: number; currency: string; status: string }[] }>(`/tenants/${t.id}/accounts`);
        const w = t.billingMode === 'prepaid' ? res.items.find((a) => a.kind === 'tenant_wallet') : undefined;
        if (w) this.walletIds.add(w.id);
        return w ? { type: 'balance', tenantId: t.id, accountId: w.id, balanceMinor: w.balanceMinor, currency: w.currency, status: w.status } : null;
      } catch {
        return null; // one tenant's accounts failing does not hide the others
      }
    });
    return wallets.filter((w): w is LiveMessage => w !== null);
  }

  /** Today's energy per unit electricity meter: the last 1d bucket is today in the site's time zone. */
  private async refreshEnergy(): Promise<void> {
    const meters = this.model.meters.filter((m) => m.kind === 'electricity' && m.unitId);
    await mapLimited(meters, 4, (m) => this.refreshEnergyOf(m.id));
    this.scheduleRecolour();
  }

  private async refreshEnergyOf(meterId: string): Promise<void> {
    const now = new Date();
    const from = new Date(now.getTime() - 36 * 3600_000).toISOString();
    try {
      const s = await api<{ items: { consumption: number }[] }>(
        `/meters/${meterId}/consumption?register=energy_active_import&interval=1d&from=${from}&to=${now.toISOString()}`);
      const last = s.items[s.items.length - 1];
      if (last) this.state.energyTodayKwh.set(meterId, last.consumption);
    } catch {
      // no intervals yet
    }
  }

  private setMetric(m: Metric): void {
    this.metric = m;
    this.recolour(false);
    if (m.id === 'costMonth' && !m.unavailable) void this.refreshCosts();
  }

  /** Month-to-date costs per meter, quoted under each tenant's tariffs; at most every ten minutes. */
  private async refreshCosts(): Promise<void> {
    if (Date.now() - this.costsAt < COSTS_REFRESH_MS) return;
    this.costsAt = Date.now();
    await mapLimited(this.model.tenants, 3, async (t) => {
      const meters = (this.model.unitsByTenant.get(t.id) ?? []).flatMap((u) => this.model.metersByUnit.get(u.id) ?? []);
      try {
        const cost = await monthCost(t.id, meters, this.model.site.timeZone);
        cost.byMeter.forEach((minor, meterId) => this.state.costMonthMinor.set(meterId, minor));
        this.scheduleRecolour();
      } catch {
        // a tenant without tariffs stays uncoloured
      }
    });
  }

  private scheduleRecolour(): void {
    if (this.recolourPending) return;
    this.recolourPending = true;
    setTimeout(() => {
      this.recolourPending = false;
      this.recolour(true);
    }, 250);
  }

  private recolour(fade: boolean): void {
    const r = range(this.metric, this.model.units);
    for (const u of this.model.units) {
      const c = this.metric.unavailable ? null : this.metric.colour(this.metric.value(u), r, this.colour);
      this.buildings.setUnitColour(u.id, c, fade);
    }
    this.legend.replaceChildren(el('strong', {}, this.metric.label));
    if (this.metric.unavailable) {
      this.legend.append(el('p', { class: 'na' }, this.metric.unavailable));
    } else {
      for (const item of this.metric.legend(r)) {
        this.legend.append(el('div', { class: 'legend-item' }, el('span', { class: 'swatch', style: `background:${item.colour}` }), item.text));
      }
      this.legend.append(el('div', { class: 'legend-item' }, el('span', { class: 'swatch', style: 'background:#b9c0c8' }), 'no data'));
    }
    if (this.glyphs.mesh.visible) {
      this.legend.append(el('strong', {}, 'Meters'));
      for (const [kind, colour] of Object.entries(KIND_COLOURS)) {
        this.legend.append(el('div', { class: 'legend-item' },
          el('span', { class: 'swatch', style: `background:#${colour.toString(16).padStart(6, '0')}` }), kind));
      }
    }
  }

  private wirePointer(canvas: HTMLCanvasElement): void {
    let down: { x: number; y: number } | null = null;
    canvas.addEventListener('pointerdown', (e) => (down = { x: e.clientX, y: e.clientY }));
    canvas.addEventListener('pointerup', (e) => {
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 5) return;
      const alarmId = this.markers.pick(this.stage.camera, canvas, e.clientX, e.clientY);
      const alarm = alarmId ? this.state.alarms.get(alarmId) : undefined;
      if (alarm) return this.flyToAlarm(alarm);
      const meter = this.glyphs.pick(this.stage.camera, canvas, e.clientX, e.clientY);
      if (meter) return this.openMeter(meter);
      const unitId = this.buildings.pick(e.clientX, e.clientY);
      this.select(unitId ? this.model.unitsById.get(unitId) ?? null : null);
    });
  }

  /** Opens a unit's panel and outlines it; with `fly`, the camera goes there. */
  select(unit: Unit | null, fly = false): void {
    if (this.selection) {
      this.selection.removeFromParent();
      this.selection.geometry.dispose(); // one outline at a time: the GPU buffers go with it
    }
    this.selection = null;
    this.selectedUnitId = unit?.id ?? null;
    if (!unit) {
      this.panel.hide();
    } else {
      this.panel.show(unit);
      const floor = this.model.floorsById.get(unit.floorId)!;
      const prism = mergePrisms([{ footprint: unit.footprint, bottomM: floor.elevationM + 0.2, topM: floor.elevationM + floor.heightM * 0.88 }]);
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.BufferAttribute(prism.positions, 3));
      this.selection = new THREE.LineSegments(new THREE.EdgesGeometry(g), this.outline);
      g.dispose();
      this.selection.renderOrder = 30;
      this.buildings.floors.find((f) => f.floor.id === unit.floorId)?.group.add(this.selection);
      if (fly) this.flyToUnit(unit.id);
    }
    this.overlays.updateLabels(this.selectedUnitId);
    this.stage.requestRender();
  }

  /** A meter's panel: its unit's, its floor's, or its building's (or the site's) meters with it chosen. */
  private openMeter(meter: Meter): void {
    const unit = meter.unitId ? this.model.unitsById.get(meter.unitId) : undefined;
    if (unit) {
      this.select(unit);
      this.panel.show(unit, meter.id);
      return;
    }
    this.select(null);
    const floor = meter.floorId ? this.model.floorsById.get(meter.floorId) : undefined;
    if (floor) return this.panel.showFloor(floor, meter.id);
    const building = this.model.buildings.find((b) => b.id === meter.buildingId);
    const peers = this.model.meters.filter((m) => !m.unitId && !m.floorId && (m.buildingId ?? null) === (meter.buildingId ?? null));
    this.panel.showMeters(building?.name ?? this.model.site.name, building ? 'building meters' : 'site meters', peers, meter.id);
  }

  private flyToUnit(unitId: string): void {
    const s = this.buildings.unitSphere(unitId);
    if (s) void this.stage.flyTo(s.center, Math.max(s.radius, 12));
  }

  flyToAlarm(alarm: Alarm): void {
    const where = this.markers.placement(alarm);
    if (!where) return;
    if (where.unitId) {
      this.select(this.model.unitsById.get(where.unitId) ?? null, true);
    } else {
      const s = this.buildings.floorSphere(where.floorId);
      if (s) void this.stage.flyTo(s.center, s.radius);
    }
  }

  private isolate(floorId: string | null): void {
    this.buildings.isolate(floorId);
    const floor = floorId ? this.model.floorsById.get(floorId) : undefined;
    if (floor) {
      this.select(null);
      this.panel.showFloor(floor);
    }
    this.overlays.updateLabels(this.selectedUnitId);
    const s = floorId ? this.buildings.floorSphere(floorId) : this.buildings.siteSphere();
    if (s) void this.stage.flyTo(s.center, floorId ? s.radius : s.radius * 0.75);
  }

  private paintStatus(): void {
    const open = [...this.state.alarms.values()].filter((a) => a.state !== 'cleared').length;
    this.status.textContent = `${this.model.site.name} · live: ${this.live.mode} · ${open} open alarms`;
  }

  /** What the browser tests read. */
  private expose(): void {
    (window as any).__twin = {
      ready: true,
      siteId: this.model.site.id,
      floorCount: this.buildings.floorCount,
      unitCount: this.model.units.length,
      frames: () => this.stage.frames,
      liveMode: () => this.live.mode,
      liveReceived: () => this.live.received,
      metersWithValues: () => this.state.values.size,
      value: (meterId: string, register: string) => this.state.reading(meterId, register) ?? null,
      cameraTarget: () => this.stage.cameraTarget(),
      unitCenter: (unitId: string) => this.buildings.unitSphere(unitId)?.center ?? null,
      unitScreenPoint: (unitId: string) => this.buildings.screenPoint(unitId),
      pickAt: (x: number, y: number) => this.buildings.pick(x, y),
      selectedUnitId: () => this.selectedUnitId,
      markerCount: () => this.markers.count,
      meterGlyphCount: () => this.glyphs.count,
      flyToUnitId: (unitId: string) => this.flyToUnit(unitId),
      controlsResting: () => !this.stage.controls.active,
      rotate: (deg: number) => void this.stage.controls.rotate((deg * Math.PI) / 180, 0, false),
      renderInfo: () => ({ calls: this.stage.renderer.info.render.calls, triangles: this.stage.renderer.info.render.triangles,
        geometries: this.stage.renderer.info.memory.geometries, textures: this.stage.renderer.info.memory.textures }),
    };
  }
}

void start().catch((e) => {
  console.error(e);
  document.getElementById('app')!.append(el('p', { class: 'error' }, `The twin could not start: ${(e as Error).message}`));
});
