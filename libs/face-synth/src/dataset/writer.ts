import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFace, EDITABLE_ATTRIBUTE_NAMES, IDENTITY_TRAIT_NAMES, SCHEMA_VERSION, type FaceDescription } from '@lfe/edit-language';
import { render, MAX_SIZE, MIN_SIZE } from '../face/render';
import { sample } from '../face/sample';
import { hashInts, Rng } from '../random';
import { DATASET_FORMAT, MANIFEST_FILE, type CaptionKind, type DatasetManifest, type ShardEntry, type ShardRecord } from './manifest';

export const DEFAULT_CAPTIONS: readonly CaptionKind[] = [
  { lang: 'en', mode: 'full' },
  { lang: 'en', mode: 'partial' },
  { lang: 'zh', mode: 'full' },
  { lang: 'zh', mode: 'partial' },
];

export interface WriteDatasetOptions {
  /** Output folder (created if missing). */
  dir: string;
  count: number;
  /** Image side in pixels, 32…256. */
  size: number;
  seed: number;
  /** Images per shard (default 1000: 12 MB at 64×64). */
  shardSize?: number;
  captions?: readonly CaptionKind[];
  /** Called after each shard is written. */
  onShard?: (written: number, total: number) => void;
}

/** The face of image `index` in the dataset of `seed`: independent of shard size and order. */
export function datasetFace(seed: number, index: number): { seed: number; desc: FaceDescription } {
  const faceSeed = hashInts(seed, index);
  return { seed: faceSeed, desc: sample(faceSeed) };
}

/** Captions of image `index`, drawn from their own stream so they never change the faces. */
export function datasetCaptions(seed: number, index: number, desc: FaceDescription, kinds: readonly CaptionKind[]): string[] {
  const rng = new Rng(hashInts(seed, index, 0x0c0ffee));
  return kinds.map((k) => describeFace(desc, rng, { mode: k.mode, lang: k.lang }));
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function checkOptions(o: WriteDatasetOptions): Required<Omit<WriteDatasetOptions, 'onShard'>> {
  if (typeof o.dir !== 'string' || o.dir === '') throw new TypeError('writeDataset: dir must be a non-empty path');
  if (!Number.isInteger(o.count) || o.count < 1) throw new TypeError('writeDataset: count must be a positive integer');
  if (!Number.isInteger(o.size) || o.size < MIN_SIZE || o.size > MAX_SIZE) {
    throw new TypeError(`writeDataset: size must be an integer in ${MIN_SIZE}…${MAX_SIZE}`);
  }
  if (!Number.isInteger(o.seed)) throw new TypeError('writeDataset: seed must be an integer');
  const shardSize = o.shardSize ?? 1000;
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new TypeError('writeDataset: shardSize must be a positive integer');
  const captions = [...(o.captions ?? DEFAULT_CAPTIONS)];
  return { dir: o.dir, count: o.count, size: o.size, seed: o.seed, shardSize, captions };
}

/**
 * Render a dataset into shards plus a manifest. The bytes are a pure function of the options
 * (no timestamps, no machine names), so the same seed gives the same files everywhere.
 * Memory holds one shard at a time; the manifest is written last, so a folder with a manifest
 * is complete.
 */
export async function writeDataset(options: WriteDatasetOptions): Promise<DatasetManifest> {
  const o = checkOptions(options);
  await mkdir(o.dir, { recursive: true });
  const per = o.size * o.size * 3;
  const shards: ShardEntry[] = [];
  const nShards = Math.ceil(o.count / o.shardSize);
  for (let s = 0; s < nShards; s++) {
    const first = s * o.shardSize;
    const n = Math.min(o.shardSize, o.count - first);
    const images = new Uint8Array(n * per);
    const lines: string[] = [];
    for (let k = 0; k < n; k++) {
      const index = first + k;
      const { seed, desc } = datasetFace(o.seed, index);
      images.set(render(desc, o.size).data, k * per);
      const record: ShardRecord = {
        index,
        seed,
        attributes: desc.attributes,
        identity: desc.identity,
        captions: datasetCaptions(o.seed, index, desc, o.captions),
      };
      lines.push(JSON.stringify(record));
    }
    const meta = lines.join('\n') + '\n';
    const name = `shard-${String(s).padStart(5, '0')}`;
    const entry: ShardEntry = {
      images: `${name}.rgb`,
      meta: `${name}.jsonl`,
      count: n,
      imagesSha256: sha256(images),
      metaSha256: sha256(meta),
    };
    await writeFile(join(o.dir, entry.images), images);
    await writeFile(join(o.dir, entry.meta), meta);
    shards.push(entry);
    options.onShard?.(first + n, o.count);
  }
  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    schemaVersion: SCHEMA_VERSION,
    count: o.count,
    size: o.size,
    seed: o.seed,
    shardSize: o.shardSize,
    captions: [...o.captions],
    attributeOrder: [...EDITABLE_ATTRIBUTE_NAMES],
    identityOrder: [...IDENTITY_TRAIT_NAMES],
    shards,
  };
  const tmp = join(o.dir, `${MANIFEST_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n');
  await rename(tmp, join(o.dir, MANIFEST_FILE));
  return manifest;
}
