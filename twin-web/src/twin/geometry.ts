// Pure geometry of the twin, free of the renderer so it can be unit-tested: plan polygons (x east, y north, metres)
// become prisms in three.js world space (x east, y up, z south), merged into one vertex buffer per floor.
import { ShapeUtils, Vector2 } from 'three';
import type { Polygon } from '../shared/model';

export type Vec3 = [number, number, number];

/** Plan (x, y) at a height to world coordinates: three.js is y-up, and north is -z. */
export function planToWorld(x: number, y: number, heightM: number): Vec3 {
  return [x, heightM, -y];
}

/** Shoelace area; positive when the vertices run counter-clockwise (seen from above, plan y north). */
export function signedArea(poly: Polygon): number {
  let a = 0;
  for (let i = 0, n = poly.length; i < n; i++) {
    const [x0, y0] = poly[i];
    const [x1, y1] = poly[(i + 1) % n];
    a += x0 * y1 - x1 * y0;
  }
  return a / 2;
}

/** The area centroid of a simple polygon (the vertex mean when its area is zero). */
export function centroid(poly: Polygon): [number, number] {
  const a = signedArea(poly);
  if (Math.abs(a) < 1e-9) {
    const sx = poly.reduce((s, p) => s + p[0], 0);
    const sy = poly.reduce((s, p) => s + p[1], 0);
    return [sx / poly.length, sy / poly.length];
  }
  let cx = 0;
  let cy = 0;
  for (let i = 0, n = poly.length; i < n; i++) {
    const [x0, y0] = poly[i];
    const [x1, y1] = poly[(i + 1) % n];
    const cross = x0 * y1 - x1 * y0;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  return [cx / (6 * a), cy / (6 * a)];
}

export interface Prism {
  footprint: Polygon;
  bottomM: number;
  topM: number;
}

/** Triangles of one prism: two caps of n-2 triangles, and two per wall. */
export function prismTriangleCount(vertexCount: number): number {
  return 2 * (vertexCount - 2) + 2 * vertexCount;
}

/**
 * Prisms merged into one non-indexed triangle buffer (so every face has its own flat normal and each prism its own
 * vertex range, which the twin recolours in place). `firstVertex[i]`..`firstVertex[i+1]` are prism i's vertices.
 */
export interface MergedPrisms {
  positions: Float32Array;
  normals: Float32Array;
  firstVertex: Int32Array;
}

export function mergePrisms(prisms: Prism[]): MergedPrisms {
  const firstVertex = new Int32Array(prisms.length + 1);
  let vertices = 0;
  prisms.forEach((p, i) => {
    firstVertex[i] = vertices;
    vertices += prismTriangleCount(p.footprint.length) * 3;
  });
  firstVertex[prisms.length] = vertices;
  const positions = new Float32Array(vertices * 3);
  const normals = new Float32Array(vertices * 3);
  prisms.forEach((p, i) => writePrism(p, positions, normals, firstVertex[i] * 3));
  return { positions, normals, firstVertex };
}

function writePrism(prism: Prism, pos: Float32Array, nor: Float32Array, start: number): void {
  // Counter-clockwise in plan keeps every face's winding outward once mapped to world space.
  const ring = signedArea(prism.footprint) >= 0 ? prism.footprint : [...prism.footprint].reverse();
  const contour = ring.map(([x, y]) => new Vector2(x, y));
  const caps = ShapeUtils.triangulateShape(contour, []);
  let o = start;
  const put = (x: number, y: number, h: number, nx: number, ny: number, nz: number) => {
    pos[o] = x; pos[o + 1] = h; pos[o + 2] = -y;
    nor[o] = nx; nor[o + 1] = ny; nor[o + 2] = nz;
    o += 3;
  };
  for (const [a, b, c] of caps) {
    const [pa, pb, pc] = orientCcw(ring[a], ring[b], ring[c]);
    // top: counter-clockwise seen from above
    put(pa[0], pa[1], prism.topM, 0, 1, 0);
    put(pb[0], pb[1], prism.topM, 0, 1, 0);
    put(pc[0], pc[1], prism.topM, 0, 1, 0);
    // bottom: reversed, facing down
    put(pa[0], pa[1], prism.bottomM, 0, -1, 0);
    put(pc[0], pc[1], prism.bottomM, 0, -1, 0);
    put(pb[0], pb[1], prism.bottomM, 0, -1, 0);
  }
  for (let i = 0, n = ring.length; i < n; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[(i + 1) % n];
    const len = Math.hypot(x1 - x0, y1 - y0) || 1;
    // outward normal of a counter-clockwise edge in plan is (dy, -dx); plan y maps to world -z
    const nx = (y1 - y0) / len;
    const nz = (x1 - x0) / len;
    put(x0, y0, prism.bottomM, nx, 0, nz);
    put(x1, y1, prism.bottomM, nx, 0, nz);
    put(x1, y1, prism.topM, nx, 0, nz);
    put(x0, y0, prism.bottomM, nx, 0, nz);
    put(x1, y1, prism.topM, nx, 0, nz);
    put(x0, y0, prism.topM, nx, 0, nz);
  }
}

function orientCcw(a: [number, number], b: [number, number], c: [number, number]): [number, number][] {
  const cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return cross >= 0 ? [a, b, c] : [a, c, b];
}

/** Which prism a triangle of a merged buffer belongs to (binary search over the vertex ranges). */
export function prismOfTriangle(firstVertex: Int32Array, triangle: number): number {
  const vertex = triangle * 3;
  let lo = 0;
  let hi = firstVertex.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (firstVertex[mid] <= vertex) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Enclosed volume of a closed triangle soup (divergence theorem); positive when the faces wind outward. */
export function enclosedVolume(positions: Float32Array, from = 0, to = positions.length / 3): number {
  let v = 0;
  for (let i = from * 3; i < to * 3; i += 9) {
    const ax = positions[i], ay = positions[i + 1], az = positions[i + 2];
    const bx = positions[i + 3], by = positions[i + 4], bz = positions[i + 5];
    const cx = positions[i + 6], cy = positions[i + 7], cz = positions[i + 8];
    v += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
  }
  return v / 6;
}

// ---- camera fly-to ----

/** Distance at which a sphere of `radius` fills the view, for a vertical field of view and aspect ratio. */
export function fitDistance(radius: number, fovDeg: number, aspect: number): number {
  const vFov = (fovDeg * Math.PI) / 180;
  const hFov = 2 * Math.atan(Math.tan(vFov / 2) * aspect);
  const limiting = Math.min(vFov, hFov);
  return radius / Math.sin(limiting / 2);
}

/**
 * Where the camera goes to look at `target` from `distance`, keeping its current bearing around the vertical axis
 * (so a fly-to does not spin the view) at a fixed downward pitch.
 */
export function flyToPose(target: Vec3, distance: number, from: Vec3, pitchDeg = 35): { position: Vec3; target: Vec3 } {
  let dx = from[0] - target[0];
  let dz = from[2] - target[2];
  const horizontal = Math.hypot(dx, dz);
  if (horizontal < 1e-6) {
    dx = 0;
    dz = 1;
  } else {
    dx /= horizontal;
    dz /= horizontal;
  }
  const pitch = (pitchDeg * Math.PI) / 180;
  const h = distance * Math.cos(pitch);
  return {
    position: [target[0] + dx * h, target[1] + distance * Math.sin(pitch), target[2] + dz * h],
    target,
  };
}

/** A bounding sphere radius for a plan polygon extruded to a height. */
export function prismRadius(poly: Polygon, heightM: number): number {
  const [cx, cy] = centroid(poly);
  let r = 0;
  for (const [x, y] of poly) r = Math.max(r, Math.hypot(x - cx, y - cy));
  return Math.hypot(r, heightM / 2);
}
