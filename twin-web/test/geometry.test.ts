import { describe, expect, it } from 'vitest';
import {
  centroid, enclosedVolume, fitDistance, flyToPose, mergePrisms, prismOfTriangle, prismTriangleCount, signedArea,
} from '../src/twin/geometry';
import type { Polygon } from '../src/shared/model';

const rect = (x0: number, y0: number, x1: number, y1: number): Polygon => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

describe('polygon extrusion', () => {
  it('a 2 x 1 m rectangle extruded 3 m is 12 outward triangles enclosing 6 m3', () => {
    const merged = mergePrisms([{ footprint: rect(0, 0, 2, 1), bottomM: 0, topM: 3 }]);
    expect(merged.positions.length / 9).toBe(12);
    expect(enclosedVolume(merged.positions)).toBeCloseTo(6, 6);
  });

  it('a clockwise footprint is turned around, so its faces still wind outward', () => {
    const clockwise = rect(0, 0, 2, 1).reverse();
    expect(signedArea(clockwise)).toBeLessThan(0);
    const merged = mergePrisms([{ footprint: clockwise, bottomM: 1, topM: 4 }]);
    expect(enclosedVolume(merged.positions)).toBeCloseTo(6, 6);
  });

  it('an L-shaped (concave) footprint encloses exactly its area times its height', () => {
    const ell: Polygon = [[0, 0], [4, 0], [4, 1], [1, 1], [1, 3], [0, 3]];
    expect(signedArea(ell)).toBeCloseTo(6, 9);
    const merged = mergePrisms([{ footprint: ell, bottomM: 10, topM: 12.5 }]);
    expect(merged.positions.length / 9).toBe(prismTriangleCount(6));
    expect(enclosedVolume(merged.positions)).toBeCloseTo(15, 5);
  });

  it('maps plan north to world -z and elevation to y', () => {
    const merged = mergePrisms([{ footprint: rect(10, 20, 11, 21), bottomM: 5, topM: 6 }]);
    const ys = new Set<number>();
    const zs = new Set<number>();
    for (let i = 0; i < merged.positions.length; i += 3) {
      ys.add(merged.positions[i + 1]);
      zs.add(merged.positions[i + 2]);
    }
    expect([...ys].sort()).toEqual([5, 6]);
    expect([...zs].sort((a, b) => a - b)).toEqual([-21, -20]);
  });

  it('finds the prism a picked triangle belongs to', () => {
    const merged = mergePrisms([
      { footprint: rect(0, 0, 1, 1), bottomM: 0, topM: 1 },
      { footprint: [[0, 0], [3, 0], [0, 3]], bottomM: 0, topM: 1 },
      { footprint: rect(5, 5, 6, 6), bottomM: 0, topM: 1 },
    ]);
    expect(Array.from(merged.firstVertex)).toEqual([0, 36, 36 + 24, 36 + 24 + 36]);
    expect(prismOfTriangle(merged.firstVertex, 0)).toBe(0);
    expect(prismOfTriangle(merged.firstVertex, 11)).toBe(0);
    expect(prismOfTriangle(merged.firstVertex, 12)).toBe(1);
    expect(prismOfTriangle(merged.firstVertex, 19)).toBe(1);
    expect(prismOfTriangle(merged.firstVertex, 20)).toBe(2);
    expect(prismOfTriangle(merged.firstVertex, 31)).toBe(2);
  });

  it('puts the centroid of a rectangle in its middle', () => {
    expect(centroid(rect(12, 8, 26, 20))).toEqual([19, 14]);
  });
});

describe('camera fly-to', () => {
  it('frames a sphere exactly at the fit distance (square view, 90 degrees)', () => {
    expect(fitDistance(1, 90, 1)).toBeCloseTo(Math.SQRT2, 9);
  });

  it('a narrow window is limited by its horizontal field of view', () => {
    expect(fitDistance(10, 45, 0.5)).toBeGreaterThan(fitDistance(10, 45, 1));
  });

  it('looks at the target from the given distance, keeping the bearing it came from', () => {
    const target: [number, number, number] = [19, 30, -14];
    const pose = flyToPose(target, 50, [119, 200, -14], 30);
    expect(pose.target).toEqual(target);
    const [x, y, z] = pose.position;
    expect(Math.hypot(x - 19, y - 30, z + 14)).toBeCloseTo(50, 9);
    expect(z).toBeCloseTo(-14, 9); // came from due east, stays due east
    expect(x).toBeGreaterThan(19);
    expect(y - 30).toBeCloseTo(25, 9); // sin(30 deg) * 50
  });

  it('from straight above it still picks a bearing instead of dividing by zero', () => {
    const pose = flyToPose([0, 0, 0], 10, [0, 100, 0]);
    expect(pose.position.every(Number.isFinite)).toBe(true);
  });
});
