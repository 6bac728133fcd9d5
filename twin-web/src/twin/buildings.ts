// The buildings drawn from the site model: per floor one group holding a slab and one merged mesh of its units, so
// 17 floors cost a few dozen draw calls. Unit colours live in the merged mesh's colour attribute and change in place.
import * as THREE from 'three';
import type { Floor, SiteModel, Unit } from '../shared/model';
import { centroid, mergePrisms, prismOfTriangle, prismRadius, type MergedPrisms, type Vec3 } from './geometry';
import type { Stage } from './stage';

const SLAB_M = 0.25;
const UNIT_FILL = 0.86; // units stop short of the slab above, so floors read as layers
const EXPLODE_GAP_M = 8;
const NEUTRAL = new THREE.Color(0xb9c0c8);
const COLOUR_FADE_MS = 700;

/** Where a unit is drawn: its floor's meshes, its index there (i) and across the site (u). */
interface Slot { f: FloorMeshes; i: number; u: number }

interface FloorMeshes {
  floor: Floor;
  group: THREE.Group;
  units: Unit[];
  merged: MergedPrisms;
  mesh: THREE.Mesh;
  slab: THREE.Mesh;
  edges: THREE.LineSegments;
  rank: number; // order within its building, bottom up (for exploding)
}

export class Buildings {
  readonly floors: FloorMeshes[] = [];
  private readonly slotOfUnit = new Map<string, Slot>();
  private readonly slots: Slot[] = [];
  private readonly unitMaterial = new THREE.MeshLambertMaterial({ vertexColors: true });
  private readonly ghostMaterial = new THREE.MeshLambertMaterial({
    vertexColors: true, transparent: true, opacity: 0.12, depthWrite: false,
  });
  private readonly slabMaterial = new THREE.MeshLambertMaterial({ color: 0x8c96a3 });
  private readonly ghostSlab = new THREE.MeshLambertMaterial({ color: 0x8c96a3, transparent: true, opacity: 0.1, depthWrite: false });
  private readonly edgeMaterial = new THREE.LineBasicMaterial({ color: 0x3b4654, transparent: true, opacity: 0.55 });
  // Per unit: the colour shown, the colour it fades to, and when the fade started (no allocation while fading).
  private readonly shown: Float32Array;
  private readonly wanted: Float32Array;
  private readonly fadeStart: Float64Array;
  private fading = false;
  private explode = 0;
  private explodeWanted = 0;
  isolated: string | null = null;
  /** Told after exploding moved the floors (things drawn outside the floor groups follow). */
  onFloorsMoved: () => void = () => {};
  private readonly raycaster = new THREE.Raycaster();
  private readonly pointer = new THREE.Vector2();

  constructor(private readonly stage: Stage, readonly model: SiteModel) {
    const byBuilding = new Map<string, Floor[]>();
    model.floors.forEach((f) => byBuilding.set(f.buildingId, [...(byBuilding.get(f.buildingId) ?? []), f]));
    for (const floors of byBuilding.values()) {
      floors.sort((a, b) => a.level - b.level).forEach((floor, rank) => this.addFloor(floor, rank));
    }
    const n = this.slots.length;
    this.shown = new Float32Array(n * 3);
    this.wanted = new Float32Array(n * 3);
    this.fadeStart = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      NEUTRAL.toArray(this.shown, i * 3);
      NEUTRAL.toArray(this.wanted, i * 3);
    }
    this.slots.forEach(({ f, i }) => this.paint(f, i, NEUTRAL.r, NEUTRAL.g, NEUTRAL.b));
  }

  private addFloor(floor: Floor, rank: number): void {
    const units = [...(this.model.unitsByFloor.get(floor.id) ?? [])];
    const bottom = floor.elevationM + SLAB_M;
    const top = floor.elevationM + floor.heightM * UNIT_FILL;
    const merged = mergePrisms(units.map((u) => ({ footprint: u.footprint, bottomM: bottom, topM: top })));
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(merged.positions, 3));
    geometry.setAttribute('normal', new THREE.BufferAttribute(merged.normals, 3));
    geometry.setAttribute('color', new THREE.BufferAttribute(new Float32Array(merged.positions.length), 3));
    geometry.computeBoundingSphere();
    const mesh = new THREE.Mesh(geometry, this.unitMaterial);
    const slabPrism = mergePrisms([{ footprint: floor.footprint, bottomM: floor.elevationM, topM: bottom }]);
    const slabGeometry = new THREE.BufferGeometry();
    slabGeometry.setAttribute('position', new THREE.BufferAttribute(slabPrism.positions, 3));
    slabGeometry.setAttribute('normal', new THREE.BufferAttribute(slabPrism.normals, 3));
    const slab = new THREE.Mesh(slabGeometry, this.slabMaterial);
    const edges = new THREE.LineSegments(new THREE.EdgesGeometry(geometry, 20), this.edgeMaterial);
    const group = new THREE.Group();
    group.name = `floor:${floor.id}`;
    group.add(slab, mesh, edges);
    this.stage.scene.add(group);
    const f: FloorMeshes = { floor, group, units, merged, mesh, slab, edges, rank };
    units.forEach((unit, i) => {
      const slot = { f, i, u: this.slots.length };
      this.slotOfUnit.set(unit.id, slot);
      this.slots.push(slot);
    });
    this.floors.push(f);
  }

  get floorCount(): number {
    return this.floors.length;
  }

  private paint(f: FloorMeshes, i: number, r: number, g: number, b: number): void {
    const attr = f.mesh.geometry.getAttribute('color') as THREE.BufferAttribute;
    const arr = attr.array as Float32Array;
    for (let v = f.merged.firstVertex[i], end = f.merged.firstVertex[i + 1]; v < end; v++) {
      arr[v * 3] = r;
      arr[v * 3 + 1] = g;
      arr[v * 3 + 2] = b;
    }
    attr.needsUpdate = true;
  }

  /** Sets a unit's colour; with `fade` it blends there over a moment, so live changes are seen as they arrive. */
  setUnitColour(unitId: string, colour: THREE.Color | null, fade: boolean): void {
    const slot = this.slotOfUnit.get(unitId);
    if (!slot) return;
    const k = slot.u * 3;
    const c = colour ?? NEUTRAL;
    if (this.wanted[k] === c.r && this.wanted[k + 1] === c.g && this.wanted[k + 2] === c.b) return;
    c.toArray(this.wanted, k);
    if (!fade) {
      c.toArray(this.shown, k);
      this.paint(slot.f, slot.i, c.r, c.g, c.b);
      this.stage.requestRender();
      return;
    }
    this.fadeStart[k / 3] = performance.now();
    if (!this.fading) {
      this.fading = true;
      this.stage.animate(this.fadeStep);
    }
  }

  private readonly fadeStep = (now: number): boolean => {
    let active = false;
    for (const { f, i, u } of this.slots) {
      const k = u * 3;
      if (this.shown[k] === this.wanted[k] && this.shown[k + 1] === this.wanted[k + 1] && this.shown[k + 2] === this.wanted[k + 2]) continue;
      const t = Math.min(1, (now - this.fadeStart[u]) / COLOUR_FADE_MS);
      for (let c = 0; c < 3; c++) this.shown[k + c] += (this.wanted[k + c] - this.shown[k + c]) * (t >= 1 ? 1 : t * 0.5);
      this.paint(f, i, this.shown[k], this.shown[k + 1], this.shown[k + 2]);
      if (t < 1) active = true;
    }
    this.fading = active;
    return active;
  };

  /** Spreads the floors of each building apart (0 = stacked as built). */
  setExplode(amount: number): void {
    this.explodeWanted = amount;
    this.stage.animate(this.explodeStep);
  }

  private readonly explodeStep = (): boolean => {
    this.explode += (this.explodeWanted - this.explode) * 0.18;
    if (Math.abs(this.explodeWanted - this.explode) < 0.01) this.explode = this.explodeWanted;
    for (const f of this.floors) f.group.position.y = this.explode * f.rank * EXPLODE_GAP_M;
    this.onFloorsMoved();
    return this.explode !== this.explodeWanted;
  };

  /** Shows one floor solid and the others as ghosts; null shows all. */
  isolate(floorId: string | null): void {
    this.isolated = floorId;
    for (const f of this.floors) {
      const ghost = floorId !== null && f.floor.id !== floorId;
      f.mesh.material = ghost ? this.ghostMaterial : this.unitMaterial;
      f.slab.material = ghost ? this.ghostSlab : this.slabMaterial;
      f.edges.visible = !ghost;
    }
    this.stage.requestRender();
  }

  /** The world-space centre of a unit's volume, as drawn now (exploding included), and a radius around it. */
  unitSphere(unitId: string): { center: Vec3; radius: number } | null {
    const slot = this.slotOfUnit.get(unitId);
    if (!slot) return null;
    const { floor, group } = slot.f;
    const unit = slot.f.units[slot.i];
    const [x, y] = centroid(unit.footprint);
    const h = floor.elevationM + (floor.heightM * UNIT_FILL + SLAB_M) / 2 + group.position.y;
    return { center: [x, h, -y], radius: prismRadius(unit.footprint, floor.heightM) };
  }

  floorSphere(floorId: string): { center: Vec3; radius: number } | null {
    const f = this.floors.find((x) => x.floor.id === floorId);
    if (!f) return null;
    const [x, y] = centroid(f.floor.footprint);
    return { center: [x, f.floor.elevationM + f.floor.heightM / 2 + f.group.position.y, -y], radius: prismRadius(f.floor.footprint, f.floor.heightM) };
  }

  siteSphere(): { center: Vec3; radius: number } {
    const box = new THREE.Box3();
    this.floors.forEach((f) => box.expandByObject(f.group));
    const sphere = box.getBoundingSphere(new THREE.Sphere());
    return { center: [sphere.center.x, sphere.center.y, sphere.center.z], radius: sphere.radius };
  }

  /** The unit under a point of the canvas (client pixels), ghosted floors excluded. */
  pick(clientX: number, clientY: number): string | null {
    const rect = this.stage.canvas.getBoundingClientRect();
    this.pointer.set(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(this.pointer, this.stage.camera);
    const meshes = this.floors.filter((f) => this.isolated === null || f.floor.id === this.isolated).map((f) => f.mesh);
    const hit = this.raycaster.intersectObjects(meshes, false)[0];
    if (!hit || hit.faceIndex == null) return null;
    const f = this.floors.find((x) => x.mesh === hit.object)!;
    return f.units[prismOfTriangle(f.merged.firstVertex, hit.faceIndex)].id;
  }

  /** Where a unit's roof centre appears on screen (client pixels), or null when off screen. */
  screenPoint(unitId: string): { x: number; y: number } | null {
    const slot = this.slotOfUnit.get(unitId);
    if (!slot) return null;
    const { floor, group } = slot.f;
    const [x, y] = centroid(slot.f.units[slot.i].footprint);
    const p = new THREE.Vector3(x, floor.elevationM + floor.heightM * UNIT_FILL + group.position.y, -y).project(this.stage.camera);
    if (p.z > 1 || Math.abs(p.x) > 1 || Math.abs(p.y) > 1) return null;
    const rect = this.stage.canvas.getBoundingClientRect();
    return { x: rect.left + ((p.x + 1) / 2) * rect.width, y: rect.top + ((1 - p.y) / 2) * rect.height };
  }

  floorOffset(floorId: string): number {
    return this.floors.find((f) => f.floor.id === floorId)?.group.position.y ?? 0;
  }
}
