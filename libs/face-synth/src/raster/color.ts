import type { Rgb } from './raster';

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function scale(a: Rgb, k: number): Rgb {
  return [a[0] * k, a[1] * k, a[2] * k];
}

/** Mix towards the colour's own grey (t = 1 fully grey). */
export function desaturate(a: Rgb, t: number): Rgb {
  const l = 0.299 * a[0] + 0.587 * a[1] + 0.114 * a[2];
  return mix(a, [l, l, l], t);
}

/** Relative luminance in [0, 1] (Rec. 601 weights, no gamma: enough for contrast decisions). */
export function luma(a: Rgb): number {
  return (0.299 * a[0] + 0.587 * a[1] + 0.114 * a[2]) / 255;
}

/** HSL (all in [0, 1], hue in turns) to RGB in [0, 255]. */
export function hsl(h: number, s: number, l: number): Rgb {
  const hue = ((h % 1) + 1) % 1;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = hue * 6;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  let r = 0;
  let g = 0;
  let b = 0;
  if (hp < 1) [r, g, b] = [c, x, 0];
  else if (hp < 2) [r, g, b] = [x, c, 0];
  else if (hp < 3) [r, g, b] = [0, c, x];
  else if (hp < 4) [r, g, b] = [0, x, c];
  else if (hp < 5) [r, g, b] = [x, 0, c];
  else [r, g, b] = [c, 0, x];
  const m = l - c / 2;
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}

/** Piecewise-linear interpolation through a list of colours at t in [0, 1]. */
export function ramp(stops: readonly Rgb[], t: number): Rgb {
  const n = stops.length - 1;
  const x = Math.min(n, Math.max(0, t * n));
  const i = Math.min(n - 1, Math.floor(x));
  return mix(stops[i] as Rgb, stops[i + 1] as Rgb, x - i);
}
