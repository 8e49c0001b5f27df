import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RealFaceDataset } from '@lfe/realface';
import { render, sample, hashInts, openDataset, openImageFolder, RENDERER_VERSION, type FaceDataset, type Batch } from '@lfe/face-synth';
import type { GanConfig } from './gan-config';

/** Where training images come from. `batch(step)` is a pure function of the step (resume replays it). */
export interface ImageSource {
  readonly resolution: number;
  /** What it is, for logs and provenance. */
  describe(): { kind: string; detail: string; manifestSha256: string | null };
  /** Images of `step` as [B,R,R,3] floats in [-1, 1]. */
  batch(step: number, batchSize: number): Promise<Float32Array>;
}

/** Faces rendered on the fly from the procedural world: infinite, deterministic, nothing on disk. */
export class SyntheticFaceSource implements ImageSource {
  constructor(
    readonly resolution: number,
    readonly seed: number,
  ) {}

  describe(): { kind: string; detail: string; manifestSha256: string | null } {
    return { kind: 'synthetic', detail: `face-synth (renderer v${RENDERER_VERSION}) on the fly, seed ${this.seed}, ${this.resolution}px`, manifestSha256: null };
  }

  batch(step: number, batchSize: number): Promise<Float32Array> {
    const r = this.resolution;
    const out = new Float32Array(batchSize * r * r * 3);
    for (let i = 0; i < batchSize; i++) {
      const img = render(sample(hashInts(this.seed, step * batchSize + i)), r);
      const off = i * r * r * 3;
      for (let j = 0; j < img.data.length; j++) out[off + j] = img.data[j]! / 127.5 - 1;
    }
    return Promise.resolve(out);
  }
}

/**
 * A face-synth dataset (shards) or a folder of real photos, read in epochs of shuffled batches.
 * Step s maps to (epoch, batch within epoch); asking for a step out of order re-opens the epoch
 * and skips ahead, so a resumed run sees exactly the batches an uninterrupted one would.
 */
export class DatasetSource implements ImageSource {
  readonly resolution: number;
  #iter: AsyncGenerator<Batch, void, undefined> | null = null;
  #next = -1;

  constructor(
    readonly dataset: FaceDataset,
    readonly seed: number,
    readonly detail: string,
    readonly manifestSha256: string | null,
  ) {
    this.resolution = dataset.size;
  }

  describe(): { kind: string; detail: string; manifestSha256: string | null } {
    return { kind: 'dataset', detail: this.detail, manifestSha256: this.manifestSha256 };
  }

  async batch(step: number, batchSize: number): Promise<Float32Array> {
    return (await this.records(step, batchSize)).images;
  }

  /** The whole batch of `step` (images, captions, labels), for stages that need more than pixels. */
  async records(step: number, batchSize: number): Promise<Batch> {
    const perEpoch = Math.floor(this.dataset.count / batchSize);
    if (perEpoch < 1) throw new TypeError(`dataset has ${this.dataset.count} images, fewer than one batch of ${batchSize}`);
    const epoch = Math.floor(step / perEpoch);
    const within = step % perEpoch;
    if (this.#iter === null || step !== this.#next || within === 0) {
      await this.#iter?.return();
      this.#iter = this.dataset.batches({ batchSize, seed: this.seed, epoch, dropRemainder: true, shuffle: true });
      for (let i = 0; i < within; i++) await this.#iter.next();
    }
    const r = await this.#iter.next();
    if (r.done === true) throw new Error(`dataset ended early at step ${step}`);
    this.#next = step + 1;
    return r.value;
  }
}

/** The image source a GAN config names (`config.data`): on-the-fly renders, face-synth shards, a photo folder or the real faces. */
export async function openImageSource(config: GanConfig): Promise<ImageSource> {
  const d = config.data;
  if (d.kind === 'synthetic') return new SyntheticFaceSource(config.generator.resolution, d.seed);
  if (d.kind === 'realface') {
    const set = await RealFaceDataset.open(d.data !== undefined ? { data: d.data } : {});
    if (set.resolution !== config.generator.resolution) throw new TypeError(`gan config: the real faces are ${set.resolution}px, the generator makes ${config.generator.resolution}px`);
    return new DatasetSource(set.split('train', { flip: true }), config.seed, `real faces, train split of ${set.dir} (CelebA-HQ: non-commercial research terms), random flips`, null);
  }
  if (d.kind === 'dataset') {
    const ds = await openDataset(d.dir);
    const sha = createHash('sha256').update(readFileSync(join(d.dir, 'manifest.json'))).digest('hex');
    return new DatasetSource(ds, config.seed, `face-synth shards ${d.dir}`, sha);
  }
  const ds = await openImageFolder(d.dir, { size: config.generator.resolution, ...(d.index !== undefined ? { index: d.index } : {}) });
  return new DatasetSource(ds, config.seed, `image folder ${d.dir}`, null);
}
