// Every meter as a small glyph where it is installed, all in one instanced mesh (one draw call), coloured by kind.
// Unit meters sit in a ring over their unit, floor meters along the floor's west edge, building and site meters at
// ground level. Clicking a glyph opens its unit's or floor's panel with that meter chosen.
import * as THREE from 'three';
import type { Meter, SiteModel } from '../shared/model';
import type { Buildings } from './buildings';
import { centroid } from './geometry';

export const KIND_COLOURS: Record<Meter['kind'], number> = {
  electricity: 0xf5c518, water: 0x1e88e5, gas: 0xef6c00, heat: 0xd32f2f, cooling: 0x00acc1, environment: 0x43a047,
};

export class MeterGlyphs {
  readonly mesh: THREE.InstancedMesh;
  private readonly meters: Meter[] = [];
  private readonly floorOf: (string | null)[] = [];
  private readonly base: THREE.Vector3[] = [];
  private readonly matrix = new THREE.Matrix4();
  private readonly raycaster = new THREE.Raycaster();
  private readonly pointer = new THREE.Vector2();

  constructor(private readonly model: SiteModel, private readonly buildings: Buildings, scene: THREE.Scene) {
    const ringIndex = new Map<string, number>();
    for (const m of model.meters) {
      const p = this.position(m, ringIndex);
      if (!p) continue;
      this.meters.push(m);
      this.floorOf.push(p.floorId);
      this.base.push(p.at);
    }
    this.mesh = new THREE.InstancedMesh(new THREE.OctahedronGeometry(1.2), new THREE.MeshLambertMaterial(), this.meters.length);
    this.meters.forEach((m, i) => this.mesh.setColorAt(i, new THREE.Color(KIND_COLOURS[m.kind])));
    this.mesh.visible = false;
    this.layout();
    scene.add(this.mesh);
  }

  get count(): number {
    return this.meters.length;
  }

  private position(m: Meter, ringIndex: Map<string, number>): { at: THREE.Vector3; floorId: string | null } | null {
    const unit = m.unitId ? this.model.unitsById.get(m.unitId) : undefined;
    const floor = unit ? this.model.floorsById.get(unit.floorId) : m.floorId ? this.model.floorsById.get(m.floorId) : undefined;
    if (unit && floor) {
      const k = ringIndex.get(unit.id) ?? 0;
      ringIndex.set(unit.id, k + 1);
      const [x, y] = centroid(unit.footprint);
      const a = (k * Math.PI * 2) / 6;
      return { at: new THREE.Vector3(x + 2.2 * Math.cos(a), floor.elevationM + floor.heightM * 0.86 + 1, -(y + 2.2 * Math.sin(a))), floorId: floor.id };
    }
    if (floor) {
      const k = ringIndex.get(floor.id) ?? 0;
      ringIndex.set(floor.id, k + 1);
      const xs = floor.footprint.map((p) => p[0]);
      const [, cy] = centroid(floor.footprint);
      return { at: new THREE.Vector3(Math.min(...xs) - 1.5, floor.elevationM + floor.heightM / 2, -(cy - 4 + k * 2.4)), floorId: floor.id };
    }
    const floors = this.model.floors.filter((f) => !m.buildingId || f.buildingId === m.buildingId);
    const ground = floors.find((f) => f.level === 0) ?? floors[0];
    if (!ground) return null;
    const k = ringIndex.get(`b:${m.buildingId}`) ?? 0;
    ringIndex.set(`b:${m.buildingId}`, k + 1);
    const xs = ground.footprint.map((p) => p[0]);
    const ys = ground.footprint.map((p) => p[1]);
    return { at: new THREE.Vector3(Math.max(...xs) + 2 + k * 2.4, 1, -(Math.min(...ys) - 2 - (m.buildingId ? 0 : 3))), floorId: null };
  }

  /** Follows exploded floors: call after the floors moved. */
  layout(): void {
    for (let i = 0; i < this.meters.length; i++) {
      const floorId = this.floorOf[i];
      const dy = floorId ? this.buildings.floorOffset(floorId) : 0;
      this.matrix.makeTranslation(this.base[i].x, this.base[i].y + dy, this.base[i].z);
      this.mesh.setMatrixAt(i, this.matrix);
    }
    this.mesh.instanceMatrix.needsUpdate = true;
    this.mesh.computeBoundingSphere();
  }

  pick(camera: THREE.Camera, canvas: HTMLCanvasElement, clientX: number, clientY: number): Meter | null {
    if (!this.mesh.visible) return null;
    const rect = canvas.getBoundingClientRect();
    this.pointer.set(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(this.pointer, camera);
    const hit = this.raycaster.intersectObject(this.mesh, false)[0];
    return hit?.instanceId != null ? this.meters[hit.instanceId] : null;
  }
}
