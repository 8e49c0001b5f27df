/**
 * Shapes as signed distance functions (negative inside, in local units) with a bounding box.
 * The rasteriser evaluates a shape only inside its box and turns the distance into antialiased
 * coverage, so a shape costs what it covers and edges are smooth at any size.
 * Distances away from the edge are approximate; only the band within ~1 pixel of the edge must be
 * accurate for antialiasing, and all constructors here are exact or first-order there.
 */

import { fastSin } from './fast-sin';

export type Sdf = (x: number, y: number) => number;

/** Axis-aligned box in local units: [x0, y0, x1, y1]. */
export type Bounds = readonly [number, number, number, number];

export interface Shape {
  readonly d: Sdf;
  readonly bounds: Bounds;
}

const EMPTY: Bounds = [0, 0, 0, 0];

function rotatedBounds(cx: number, cy: number, hx: number, hy: number, angle: number): Bounds {
  const c = Math.abs(Math.cos(angle));
  const s = Math.abs(Math.sin(angle));
  const ex = c * hx + s * hy;
  const ey = s * hx + c * hy;
  return [cx - ex, cy - ey, cx + ex, cy + ey];
}

/** A rotated ellipse (angle in radians). */
export function ellipse(cx: number, cy: number, rx: number, ry: number, angle = 0): Shape {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const irx = 1 / rx;
  const iry = 1 / ry;
  const irx2 = irx * irx;
  const iry2 = iry * iry;
  const inner = -Math.min(rx, ry);
  const d: Sdf = (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const u = c * dx + s * dy;
    const v = -s * dx + c * dy;
    const k0 = Math.sqrt(u * u * irx2 + v * v * iry2);
    const k1 = Math.sqrt(u * u * irx2 * irx2 + v * v * iry2 * iry2);
    // First-order distance k0 (k0 - 1) / k1 (exact on the boundary's normal direction).
    return k1 > 1e-9 ? (k0 * (k0 - 1)) / k1 : inner;
  };
  return { d, bounds: rotatedBounds(cx, cy, rx, ry, angle) };
}

export function circle(cx: number, cy: number, r: number): Shape {
  return {
    d: (x, y) => Math.hypot(x - cx, y - cy) - r,
    bounds: [cx - r, cy - r, cx + r, cy + r],
  };
}

/**
 * An oval whose upper half is an ellipse of radii (rx, ryTop) and whose lower half blends an ellipse
 * of radii (rx, ryBottom) with a rounded box: `jaw` 0 = round chin, 1 = square jaw. (A blend of two
 * distance functions is cheap; a true superellipse needs three pow() per pixel.)
 */
export function faceOval(cx: number, cy: number, rx: number, ryTop: number, ryBottom: number, jaw: number): Shape {
  const top = ellipse(cx, cy, rx, ryTop).d;
  const bottom = ellipse(cx, cy, rx, ryBottom).d;
  const box = roundedBox(cx, cy, rx, ryBottom, Math.min(rx, ryBottom) * 0.62).d;
  const k = Math.min(1, Math.max(0, jaw));
  const d: Sdf =
    k === 0
      ? (x, y) => (y <= cy ? top(x, y) : bottom(x, y))
      : (x, y) => (y <= cy ? top(x, y) : bottom(x, y) * (1 - k) + box(x, y) * k);
  return { d, bounds: [cx - rx, cy - ryTop, cx + rx, cy + ryBottom] };
}

/** A rotated box with half sizes hx, hy and corner radius r. */
export function roundedBox(cx: number, cy: number, hx: number, hy: number, r: number, angle = 0): Shape {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const bx = hx - r;
  const by = hy - r;
  const d: Sdf = (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const qx = Math.abs(c * dx + s * dy) - bx;
    const qy = Math.abs(-s * dx + c * dy) - by;
    const ox = Math.max(qx, 0);
    const oy = Math.max(qy, 0);
    return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0) - r;
  };
  return { d, bounds: rotatedBounds(cx, cy, hx, hy, angle) };
}

/** A line segment of radius r (round caps). */
export function capsule(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  const ex = x1 - x0;
  const ey = y1 - y0;
  const len2 = Math.max(1e-12, ex * ex + ey * ey);
  const d: Sdf = (x, y) => {
    const px = x - x0;
    const py = y - y0;
    const t = Math.min(1, Math.max(0, (px * ex + py * ey) / len2));
    return Math.hypot(px - t * ex, py - t * ey) - r;
  };
  return {
    d,
    bounds: [Math.min(x0, x1) - r, Math.min(y0, y1) - r, Math.max(x0, x1) + r, Math.max(y0, y1) + r],
  };
}

export interface BandOptions {
  /** Centre of the band and its rotation (radians). */
  cx: number;
  cy: number;
  angle?: number;
  /** Half length along the band's axis. */
  halfLength: number;
  /** Centre line v = bend · u² (positive bends the ends down in image coordinates). */
  bend?: number;
  /** Half thickness in the middle. */
  halfThickness: number;
  /** Thickness left at the ends as a fraction of the middle (1 = uniform, 0 = pointed). */
  endRatio?: number;
}

/**
 * A curved stroke around the parabola v = bend · u², thickness tapering towards the ends:
 * lips, mouth lines, eyebrows, moustaches, wrinkles and eyelids are all bands.
 */
export function band(o: BandOptions): Shape {
  const angle = o.angle ?? 0;
  const bend = o.bend ?? 0;
  const endRatio = o.endRatio ?? 1;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const { cx, cy, halfLength: w, halfThickness: h } = o;
  const iw = 1 / w;
  const d: Sdf = (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const u = c * dx + s * dy;
    const v = -s * dx + c * dy;
    const au = Math.abs(u);
    const q = Math.min(1, au * iw);
    const t = h * (endRatio + (1 - endRatio) * Math.sqrt(1 - q * q));
    const slope = 2 * bend * u;
    const across = (Math.abs(v - bend * u * u) - t) / Math.sqrt(1 + slope * slope);
    return Math.max(across, au - w);
  };
  const reachV = Math.abs(bend) * w * w + h;
  return { d, bounds: rotatedBounds(cx + (-s * bend * w * w) / 2, cy + (c * bend * w * w) / 2, w, reachV, angle) };
}

export function union(...shapes: Shape[]): Shape {
  if (shapes.length === 0) return { d: () => Infinity, bounds: EMPTY };
  const ds = shapes.map((sh) => sh.d);
  const d: Sdf =
    ds.length === 2
      ? ((a: Sdf, b: Sdf): Sdf =>
          (x, y) =>
            Math.min(a(x, y), b(x, y)))(ds[0] as Sdf, ds[1] as Sdf)
      : (x, y) => {
          let m = Infinity;
          for (const f of ds) {
            const v = f(x, y);
            if (v < m) m = v;
          }
          return m;
        };
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const sh of shapes) {
    x0 = Math.min(x0, sh.bounds[0]);
    y0 = Math.min(y0, sh.bounds[1]);
    x1 = Math.max(x1, sh.bounds[2]);
    y1 = Math.max(y1, sh.bounds[3]);
  }
  return { d, bounds: [x0, y0, x1, y1] };
}

export function intersect(a: Shape, b: Shape): Shape {
  const da = a.d;
  const db = b.d;
  return {
    d: (x, y) => Math.max(da(x, y), db(x, y)),
    bounds: [
      Math.max(a.bounds[0], b.bounds[0]),
      Math.max(a.bounds[1], b.bounds[1]),
      Math.min(a.bounds[2], b.bounds[2]),
      Math.min(a.bounds[3], b.bounds[3]),
    ],
  };
}

/** `a` minus `b`. */
export function subtract(a: Shape, b: Shape): Shape {
  const da = a.d;
  const db = b.d;
  return { d: (x, y) => Math.max(da(x, y), -db(x, y)), bounds: a.bounds };
}

/** The part of `a` above the line y = y0 + slope · x (image y grows downwards). */
export function above(a: Shape, y0: number, slope = 0): Shape {
  const da = a.d;
  const norm = 1 / Math.sqrt(1 + slope * slope);
  return {
    d: (x, y) => Math.max(da(x, y), (y - y0 - slope * x) * norm),
    bounds: slope === 0 ? [a.bounds[0], a.bounds[1], a.bounds[2], Math.min(a.bounds[3], y0)] : a.bounds,
  };
}

/** The part of `a` below the line y = y0. */
export function below(a: Shape, y0: number): Shape {
  const da = a.d;
  return {
    d: (x, y) => Math.max(da(x, y), y0 - y),
    bounds: [a.bounds[0], Math.max(a.bounds[1], y0), a.bounds[2], a.bounds[3]],
  };
}

/** Grow (r > 0) or shrink the shape. */
export function offset(a: Shape, r: number): Shape {
  const da = a.d;
  const [x0, y0, x1, y1] = a.bounds;
  const g = Math.max(0, r);
  return { d: (x, y) => da(x, y) - r, bounds: [x0 - g, y0 - g, x1 + g, y1 + g] };
}

/** The outline of `a`, `halfWidth` to each side of its edge. */
export function outline(a: Shape, halfWidth: number): Shape {
  const da = a.d;
  const [x0, y0, x1, y1] = a.bounds;
  const g = halfWidth;
  return { d: (x, y) => Math.abs(da(x, y)) - halfWidth, bounds: [x0 - g, y0 - g, x1 + g, y1 + g] };
}

/** Bumps along the edge (curly hair): the edge moves in and out by up to `amp`. */
export function bumpy(a: Shape, amp: number, freq: number, phase: number): Shape {
  const da = a.d;
  const [x0, y0, x1, y1] = a.bounds;
  return {
    d: (x, y) => da(x, y) - amp * fastSin(freq * x + phase) * fastSin(freq * y - phase * 0.7),
    bounds: [x0 - amp, y0 - amp, x1 + amp, y1 + amp],
  };
}
