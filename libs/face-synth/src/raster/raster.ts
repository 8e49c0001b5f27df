import type { Shape } from './shape';

/** An RGB colour with channels in [0, 255]. */
export type Rgb = readonly [number, number, number];

/** Colour of a shape at a point in local units; writes r, g, b into `out[0..2]`. */
export type Shader = (x: number, y: number, out: Float32Array) => void;

/**
 * A float RGB framebuffer with a similarity transform from local (shape) units to pixels.
 * Shapes are composited in painter's order with antialiased coverage from their signed distance.
 * The buffer is reused across frames: `clear`/`fill` do not allocate.
 */
export class Raster {
  readonly width: number;
  readonly height: number;
  /** Interleaved RGB, channels in [0, 255]. */
  readonly pixels: Float32Array;
  #tx = 0;
  #ty = 0;
  #scale = 1;
  #cos = 1;
  #sin = 0;
  readonly #tmp = new Float32Array(3);

  constructor(width: number, height: number) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`raster: bad size ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.pixels = new Float32Array(width * height * 3);
  }

  /** Local (x, y) maps to pixel (tx, ty) + scale · R(angle) · (x, y). */
  setTransform(tx: number, ty: number, scale: number, angle: number): void {
    this.#tx = tx;
    this.#ty = ty;
    this.#scale = scale;
    this.#cos = Math.cos(angle);
    this.#sin = Math.sin(angle);
  }

  get scale(): number {
    return this.#scale;
  }

  /** Fill every pixel with a colour per row (vertical gradients are all a background needs). */
  fillRows(colorOfRow: (y: number, out: Float32Array) => void): void {
    const { width, height, pixels } = this;
    const c = this.#tmp;
    for (let y = 0; y < height; y++) {
      colorOfRow(y, c);
      const r = c[0] as number;
      const g = c[1] as number;
      const b = c[2] as number;
      let i = y * width * 3;
      for (let x = 0; x < width; x++, i += 3) {
        pixels[i] = r;
        pixels[i + 1] = g;
        pixels[i + 2] = b;
      }
    }
  }

  /** Composite `shape` with a flat colour or a shader at opacity `alpha`. */
  fill(shape: Shape, paint: Rgb | Shader, alpha = 1): void {
    if (alpha <= 0) return;
    const [bx0, by0, bx1, by1] = shape.bounds;
    if (!(bx1 > bx0 && by1 > by0)) return;
    const s = this.#scale;
    const cos = this.#cos;
    const sin = this.#sin;
    const tx = this.#tx;
    const ty = this.#ty;
    // Pixel-space box of the rotated local box, one pixel of margin for the antialiased edge.
    let px0 = Infinity;
    let py0 = Infinity;
    let px1 = -Infinity;
    let py1 = -Infinity;
    for (let k = 0; k < 4; k++) {
      const lx = k & 1 ? bx1 : bx0;
      const ly = k & 2 ? by1 : by0;
      const px = tx + s * (cos * lx - sin * ly);
      const py = ty + s * (sin * lx + cos * ly);
      if (px < px0) px0 = px;
      if (px > px1) px1 = px;
      if (py < py0) py0 = py;
      if (py > py1) py1 = py;
    }
    const xs = Math.max(0, Math.floor(px0 - 1));
    const xe = Math.min(this.width, Math.ceil(px1 + 1));
    const ys = Math.max(0, Math.floor(py0 - 1));
    const ye = Math.min(this.height, Math.ceil(py1 + 1));
    if (xs >= xe || ys >= ye) return;

    const d = shape.d;
    const pixels = this.pixels;
    const width = this.width;
    const is = 1 / s;
    // Inverse transform, stepped incrementally along each row.
    const dux = cos * is;
    const dvx = -sin * is;
    const flat = typeof paint !== 'function';
    const shader = flat ? null : paint;
    const tmp = this.#tmp;
    let fr = 0;
    let fg = 0;
    let fb = 0;
    if (flat) {
      fr = paint[0];
      fg = paint[1];
      fb = paint[2];
    }
    for (let py = ys; py < ye; py++) {
      const dy = py + 0.5 - ty;
      const dx0 = xs + 0.5 - tx;
      let u = (cos * dx0 + sin * dy) * is;
      let v = (-sin * dx0 + cos * dy) * is;
      let i = (py * width + xs) * 3;
      for (let px = xs; px < xe; px++, i += 3, u += dux, v += dvx) {
        const dist = d(u, v) * s;
        if (dist >= 0.5) continue;
        let a = dist <= -0.5 ? alpha : (0.5 - dist) * alpha;
        if (shader !== null) {
          shader(u, v, tmp);
          fr = tmp[0] as number;
          fg = tmp[1] as number;
          fb = tmp[2] as number;
        }
        if (a > 1) a = 1;
        const r0 = pixels[i] as number;
        const g0 = pixels[i + 1] as number;
        const b0 = pixels[i + 2] as number;
        pixels[i] = r0 + (fr - r0) * a;
        pixels[i + 1] = g0 + (fg - g0) * a;
        pixels[i + 2] = b0 + (fb - b0) * a;
      }
    }
  }

  /** Convert to 8-bit RGB (rounded, clamped), writing into `out` when given. */
  toRgb8(out: Uint8Array = new Uint8Array(this.pixels.length)): Uint8Array {
    if (out.length !== this.pixels.length) throw new RangeError('raster: output buffer has the wrong length');
    // Uint8ClampedArray rounds and clamps in one native store.
    const clamped = new Uint8ClampedArray(out.buffer, out.byteOffset, out.length);
    clamped.set(this.pixels);
    return out;
  }
}
