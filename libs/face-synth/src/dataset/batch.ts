/** One training batch, the same shape whichever source it comes from. */
export interface Batch {
  /** Images as [B, H, W, 3] floats in [-1, 1] (`tf.tensor4d(images, shape)` takes it as is). */
  images: Float32Array;
  shape: [number, number, number, 3];
  /** [B, 14] editable attribute values in `EDITABLE_ATTRIBUTE_NAMES` order; null for real photos. */
  attributes: Float32Array | null;
  /** [B, 10] identity trait values in `IDENTITY_TRAIT_NAMES` order; null for real photos. */
  identity: Float32Array | null;
  /** Captions per image (one or more each). */
  captions: string[][];
  /** Where each image came from ("shard-00002.rgb#17", "photos/a.jpg"), for error reports. */
  sources: string[];
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle seed; the order is a pure function of it (and of the epoch). */
  seed?: number;
  /** Shuffle at all (default true). */
  shuffle?: boolean;
  /** Epoch number, mixed into the seed so each epoch has its own order (default 0). */
  epoch?: number;
  /** Drop a last, smaller batch (default false). */
  dropRemainder?: boolean;
}

/** A dataset that streams batches without holding all of its images in memory. */
export interface FaceDataset {
  readonly count: number;
  readonly size: number;
  batches(options: BatchOptions): AsyncGenerator<Batch, void, undefined>;
}

/** One image and its labels, as sources stream them before batching. */
export interface DatasetItem {
  /** size × size × 3 bytes. */
  pixels: Uint8Array;
  attributes: Float32Array | null;
  identity: Float32Array | null;
  captions: string[];
  source: string;
}

export function checkBatchOptions(options: BatchOptions): Required<BatchOptions> {
  const o = { seed: 0, shuffle: true, epoch: 0, dropRemainder: false, ...options };
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new TypeError('batches: batchSize must be a positive integer');
  if (!Number.isFinite(o.seed)) throw new TypeError('batches: seed must be a finite number');
  if (!Number.isInteger(o.epoch) || o.epoch < 0) throw new TypeError('batches: epoch must be a non-negative integer');
  return o;
}

/** Group items into batches, converting bytes to [-1, 1] floats. */
export async function* toBatches(
  items: AsyncIterable<DatasetItem>,
  size: number,
  batchSize: number,
  dropRemainder: boolean,
): AsyncGenerator<Batch, void, undefined> {
  let pending: DatasetItem[] = [];
  for await (const item of items) {
    pending.push(item);
    if (pending.length === batchSize) {
      yield assemble(pending, size);
      pending = [];
    }
  }
  if (pending.length > 0 && !dropRemainder) yield assemble(pending, size);
}

function assemble(items: DatasetItem[], size: number): Batch {
  const b = items.length;
  const per = size * size * 3;
  const images = new Float32Array(b * per);
  const first = items[0];
  const nAttr = first?.attributes?.length ?? 0;
  const nId = first?.identity?.length ?? 0;
  const attributes = first?.attributes ? new Float32Array(b * nAttr) : null;
  const identity = first?.identity ? new Float32Array(b * nId) : null;
  items.forEach((item, k) => {
    const px = item.pixels;
    const base = k * per;
    for (let i = 0; i < per; i++) images[base + i] = (px[i] as number) / 127.5 - 1;
    if (attributes && item.attributes) attributes.set(item.attributes, k * nAttr);
    if (identity && item.identity) identity.set(item.identity, k * nId);
  });
  return {
    images,
    shape: [b, size, size, 3],
    attributes,
    identity,
    captions: items.map((i) => i.captions),
    sources: items.map((i) => i.source),
  };
}
