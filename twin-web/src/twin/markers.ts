// Alarms in place: a marker over the unit (or floor, building, site) of the alarm's meter, parented to that floor's
// group so it moves when floors are exploded. Markers share one geometry and three materials.
import * as THREE from 'three';
import type { Alarm } from '../shared/live';
import type { SiteModel } from '../shared/model';
import type { Buildings } from './buildings';
import { centroid } from './geometry';

const COLOURS: Record<Alarm['severity'], number> = { critical: 0xd7263d, warning: 0xf39c12, info: 0x2e86de };

export interface Placement {
  floorId: string;
  unitId: string | null;
  local: THREE.Vector3; // in the floor group's space
}

export class AlarmMarkers {
  private readonly geometry = new THREE.ConeGeometry(1.4, 3.2, 12).rotateX(Math.PI);
  private readonly materials = Object.fromEntries(Object.entries(COLOURS).map(([k, c]) =>
    [k, new THREE.MeshBasicMaterial({ color: c, depthTest: false, transparent: true })])) as Record<string, THREE.Material>;
  private readonly meshes = new Map<string, THREE.Mesh>();
  private readonly raycaster = new THREE.Raycaster();
  private readonly pointer = new THREE.Vector2();

  constructor(private readonly model: SiteModel, private readonly buildings: Buildings) {}

  /** Where an alarm belongs: its meter's unit, else its floor, else the top floor of its building or site. */
  placement(alarm: Alarm): Placement | null {
    const meter = alarm.meterId ? this.model.metersById.get(alarm.meterId) : undefined;
    const unit = meter?.unitId ? this.model.unitsById.get(meter.unitId) : undefined;
    let floor = unit ? this.model.floorsById.get(unit.floorId) : meter?.floorId ? this.model.floorsById.get(meter.floorId) : undefined;
    if (!floor) {
      const candidates = this.model.floors.filter((f) => !meter?.buildingId || f.buildingId === meter.buildingId);
      floor = candidates.sort((a, b) => b.level - a.level)[0];
    }
    if (!floor) return null;
    const [x, y] = centroid(unit ? unit.footprint : floor.footprint);
    return { floorId: floor.id, unitId: unit?.id ?? null, local: new THREE.Vector3(x, floor.elevationM + floor.heightM + 2.2, -y) };
  }

  show(alarm: Alarm): void {
    this.hide(alarm.id);
    const where = this.placement(alarm);
    const group = where && this.buildings.floors.find((f) => f.floor.id === where.floorId)?.group;
    if (!where || !group) return;
    const mesh = new THREE.Mesh(this.geometry, this.materials[alarm.severity] ?? this.materials.warning);
    mesh.position.copy(where.local);
    mesh.renderOrder = 20;
    mesh.userData.alarmId = alarm.id;
    group.add(mesh);
    this.meshes.set(alarm.id, mesh);
  }

  hide(alarmId: string): void {
    const mesh = this.meshes.get(alarmId);
    if (mesh) {
      mesh.removeFromParent();
      this.meshes.delete(alarmId);
    }
  }

  get count(): number {
    return this.meshes.size;
  }

  /** The alarm marker under a canvas point, if any. */
  pick(camera: THREE.Camera, canvas: HTMLCanvasElement, clientX: number, clientY: number): string | null {
    const rect = canvas.getBoundingClientRect();
    this.pointer.set(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(this.pointer, camera);
    const hit = this.raycaster.intersectObjects([...this.meshes.values()], false)[0];
    return hit ? (hit.object.userData.alarmId as string) : null;
  }
}
