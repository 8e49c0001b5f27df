import { describe, expect, it } from 'vitest';
import { Raster } from './raster';
import { band, capsule, circle, ellipse, faceOval, intersect, roundedBox, subtract, union } from './shape';

/** Sum of coverage: paint white over black and add up the red channel. */
function area(shape: Parameters<Raster['fill']>[0], angle = 0): number {
  const r = new Raster(128, 128);
  r.setTransform(64, 64, 40, angle);
  r.fill(shape, [255, 255, 255]);
  let s = 0;
  for (let i = 0; i < r.pixels.length; i += 3) s += r.pixels[i]! / 255;
  return s / (40 * 40);
}

describe('Raster', () => {
  it('antialiased coverage integrates to the true area (ellipse, circle, box), rotated or not', () => {
    for (const angle of [0, 0.3, 1.1]) {
      expect(area(ellipse(0, 0, 0.8, 0.5, 0.4), angle)).toBeCloseTo(Math.PI * 0.8 * 0.5, 2);
      expect(area(circle(0.1, -0.2, 0.6), angle)).toBeCloseTo(Math.PI * 0.36, 2);
      expect(area(roundedBox(0, 0, 0.7, 0.4, 0, 0.2), angle)).toBeCloseTo(4 * 0.7 * 0.4, 2);
    }
  });

  it('keeps every pixel between the colours it mixes, with soft edges', () => {
    const r = new Raster(64, 64);
    r.setTransform(32, 32, 20, 0.2);
    r.fillRows((_, out) => out.set([10, 20, 30]));
    r.fill(ellipse(0, 0, 1, 0.6), [200, 100, 50], 0.8);
    let partial = 0;
    for (let i = 0; i < r.pixels.length; i += 3) {
      const v = r.pixels[i]!;
      expect(v).toBeGreaterThanOrEqual(10 - 1e-3);
      expect(v).toBeLessThanOrEqual(10 + 0.8 * 190 + 1e-3);
      if (v > 11 && v < 10 + 0.8 * 190 - 1) partial++;
    }
    expect(partial).toBeGreaterThan(40); // an antialiased rim, not a hard edge
  });

  it('rounds and clamps to 8 bits', () => {
    const r = new Raster(2, 1);
    r.pixels.set([-5, 0.4, 0.6, 254.6, 300, 128]);
    expect(Array.from(r.toRgb8())).toEqual([0, 0, 1, 255, 255, 128]);
  });

  it('rejects bad sizes', () => {
    expect(() => new Raster(0, 5)).toThrow(RangeError);
    expect(() => new Raster(2.5, 5)).toThrow(RangeError);
  });
});

describe('shapes', () => {
  const shapes = {
    ellipse: ellipse(0.1, 0.2, 0.5, 0.3, 0.4),
    faceOval: faceOval(0, 0, 0.4, 0.5, 0.55, 0.5),
    band: band({ cx: 0, cy: 0, halfLength: 0.4, bend: 1.5, halfThickness: 0.05, endRatio: 0.3 }),
    capsule: capsule(-0.3, 0.1, 0.4, -0.2, 0.05),
    union: union(circle(-0.3, 0, 0.2), circle(0.3, 0, 0.2)),
    intersect: intersect(circle(-0.1, 0, 0.3), circle(0.1, 0, 0.3)),
    subtract: subtract(circle(0, 0, 0.4), circle(0, 0, 0.2)),
  };

  it('are negative only inside their bounds, and their distance is 1-Lipschitz near the edge', () => {
    for (const [name, s] of Object.entries(shapes)) {
      const [x0, y0, x1, y1] = s.bounds;
      let inside = 0;
      for (let i = 0; i < 4000; i++) {
        const x = -1 + (2 * ((i * 7919) % 4000)) / 4000;
        const y = -1 + (2 * ((i * 104729) % 3989)) / 3989;
        const d = s.d(x, y);
        if (d < 0) {
          inside++;
          expect(x >= x0 - 1e-9 && x <= x1 + 1e-9 && y >= y0 - 1e-9 && y <= y1 + 1e-9, `${name} at ${x},${y}`).toBe(true);
        }
        if (Math.abs(d) < 0.05) {
          const h = 1e-4;
          const g = Math.hypot(s.d(x + h, y) - s.d(x - h, y), s.d(x, y + h) - s.d(x, y - h)) / (2 * h);
          expect(g, `${name} gradient at ${x},${y}`).toBeLessThan(1.5);
        }
      }
      expect(inside, name).toBeGreaterThan(0);
    }
  });
});
