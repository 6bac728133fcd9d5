// The bar above the twin: metric, floors (isolate, explode), overlays, search, who is signed in.
import type { Session } from '../shared/api';
import { el } from '../shared/dom';
import type { SiteModel, Unit } from '../shared/model';
import type { Metric } from './metrics';

export interface ToolbarActions {
  metric(m: Metric): void;
  explode(on: boolean): void;
  isolate(floorId: string | null): void;
  environment(on: boolean): void;
  labels(on: boolean): void;
  meters(on: boolean): void;
  find(unit: Unit): void;
  logout(): void;
}

export class Toolbar {
  constructor(root: HTMLElement, model: SiteModel, metricList: Metric[], session: Session, status: HTMLElement, actions: ToolbarActions) {
    const metric = el('select', { name: 'metric', 'aria-label': 'Colour units by' });
    metricList.forEach((m) => metric.append(el('option', { value: m.id }, m.label)));
    metric.addEventListener('change', () => actions.metric(metricList.find((m) => m.id === metric.value)!));

    const floor = el('select', { name: 'floor', 'aria-label': 'Isolate a floor' }, el('option', { value: '' }, 'All floors'));
    for (const b of model.buildings) {
      const group = el('optgroup', { label: b.name });
      model.floors.filter((f) => f.buildingId === b.id).sort((x, y) => y.level - x.level)
        .forEach((f) => group.append(el('option', { value: f.id }, f.name)));
      floor.append(group);
    }
    floor.addEventListener('change', () => actions.isolate(floor.value || null));

    const toggle = (name: string, text: string, on: (v: boolean) => void) => {
      const box = el('input', { type: 'checkbox', name });
      box.addEventListener('change', () => on(box.checked));
      return el('label', { class: 'toggle' }, box, ` ${text}`);
    };
    const explode = toggle('explode', 'Explode', actions.explode);
    // Per-floor badges need room: the environment overlay spreads the floors apart too.
    const environment = toggle('environment', 'Environment & plant', (on) => {
      const box = explode.querySelector('input')!;
      if (on && !box.checked) {
        box.checked = true;
        actions.explode(true);
      }
      actions.environment(on);
    });

    const entries = new Map<string, Unit>();
    const list = el('datalist', { id: 'search-list' });
    for (const u of model.units) {
      const tenant = model.tenantByUnit.get(u.id);
      const floorName = model.floorsById.get(u.floorId)?.name ?? '';
      const key = tenant ? `${tenant.legalName} – ${u.name}` : `${u.name} – ${floorName}`;
      entries.set(key.toLowerCase(), u);
      list.append(el('option', { value: key }));
    }
    const search = el('input', { type: 'search', name: 'search', list: 'search-list', placeholder: 'Find a tenant or unit…', 'aria-label': 'Find a tenant or unit' });
    const go = () => {
      const q = search.value.trim().toLowerCase();
      if (!q) return;
      const unit = entries.get(q) ?? [...entries].find(([k]) => k.includes(q))?.[1];
      if (unit) actions.find(unit);
    };
    search.addEventListener('change', go);
    search.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });

    const out = el('button', { class: 'link' }, 'Sign out');
    out.addEventListener('click', () => actions.logout());
    root.append(
      el('strong', { class: 'brand' }, 'Gridledger'),
      el('label', {}, 'Colour by ', metric),
      el('label', {}, 'Floor ', floor),
      explode,
      environment,
      toggle('labels', 'All labels', actions.labels),
      toggle('meters', 'Meters', actions.meters),
      search, list,
      el('span', { class: 'spacer' }),
      status,
      el('a', { href: '/docs/' }, 'API'),
      el('span', { class: 'muted' }, `${session.username} (${session.role})`),
      out,
    );
  }
}
