import * as tf from '@tensorflow/tfjs';
import { toUint8, type Generator } from '@lfe/face-pipeline';
import { encodePng, imageGrid } from '../util/png';

function faces(g: Generator, z: tf.Tensor2D, psi: number): Uint8Array {
  const img = g.generate(z, { noise: 'const', psi });
  try {
    return toUint8(img);
  } finally {
    img.dispose();
  }
}

/** An 8×8 sheet (PNG) of the generator's faces for 64 fixed codes z (seeded), constant noise, truncation ψ. */
export function sampleSheet(g: Generator, opts: { seed?: number; psi?: number; count?: number; cols?: number } = {}): Buffer {
  const count = opts.count ?? 64;
  const z = tf.randomNormal([count, g.config.zDim], 0, 1, 'float32', opts.seed ?? 12345) as tf.Tensor2D;
  try {
    const u8 = faces(g, z, opts.psi ?? 1);
    const grid = imageGrid(u8, count, g.config.resolution, opts.cols ?? 8);
    return encodePng(grid.rgb, grid.width, grid.height);
  } finally {
    z.dispose();
  }
}

/** The truncation sweep (PNG): one row per fixed code z, one column per ψ (ψ 0 = the mean face). */
export function truncationSweep(g: Generator, opts: { seed?: number; rows?: number; psis?: readonly number[] } = {}): Buffer {
  const rows = opts.rows ?? 8;
  const psis = opts.psis ?? [0, 0.25, 0.5, 0.7, 0.85, 1];
  const r = g.config.resolution;
  const z = tf.randomNormal([rows, g.config.zDim], 0, 1, 'float32', opts.seed ?? 12345) as tf.Tensor2D;
  try {
    const cols = psis.map((psi) => faces(g, z, psi));
    const px = r * r * 3;
    const all = new Uint8Array(rows * psis.length * px);
    for (let i = 0; i < rows; i++) cols.forEach((c, j) => all.set(c.subarray(i * px, (i + 1) * px), (i * psis.length + j) * px));
    const grid = imageGrid(all, rows * psis.length, r, psis.length);
    return encodePng(grid.rgb, grid.width, grid.height);
  } finally {
    z.dispose();
  }
}
