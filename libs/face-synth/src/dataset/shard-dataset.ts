import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EDITABLE_ATTRIBUTE_NAMES, IDENTITY_TRAIT_NAMES } from '@lfe/edit-language';
import { BadRecordError, CorruptShardError } from '../errors';
import { hashFloats, Rng } from '../random';
import { checkBatchOptions, toBatches, type Batch, type BatchOptions, type DatasetItem, type FaceDataset } from './batch';
import { readManifest, type DatasetManifest, type ShardEntry } from './manifest';
import { shuffleBuffer } from './shuffle-buffer';

interface LoadedShard {
  entry: ShardEntry;
  images: Uint8Array;
  records: { attributes: Float32Array; identity: Float32Array; captions: string[] }[];
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readShardFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new CorruptShardError(file, code === 'ENOENT' ? 'missing' : `cannot read (${String(code)})`);
  }
}

function numbers(file: string, line: number, obj: unknown, names: readonly string[], field: string): Float32Array {
  if (typeof obj !== 'object' || obj === null) throw new BadRecordError(file, line, `${field} must be an object`);
  const out = new Float32Array(names.length);
  names.forEach((n, i) => {
    const v = (obj as Record<string, unknown>)[n];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadRecordError(file, line, `${field}.${n} must be a finite number`);
    out[i] = v;
  });
  return out;
}

/**
 * A sharded synthetic dataset on disk (see `writeDataset`). Streams shards one at a time (plus one
 * read ahead), checking each shard's length and sha256 before any of its images is used.
 */
export class ShardDataset implements FaceDataset {
  readonly dir: string;
  readonly manifest: DatasetManifest;

  constructor(dir: string, manifest: DatasetManifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  get count(): number {
    return this.manifest.count;
  }

  get size(): number {
    return this.manifest.size;
  }

  /** Read and check one shard (throws CorruptShardError / BadRecordError naming the file). */
  async loadShard(entry: ShardEntry): Promise<LoadedShard> {
    const per = this.size * this.size * 3;
    const imagesFile = join(this.dir, entry.images);
    const images = await readShardFile(imagesFile);
    const expected = entry.count * per;
    if (images.length !== expected) {
      const how = images.length < expected ? 'truncated' : 'too long';
      throw new CorruptShardError(imagesFile, `${how}: ${images.length} bytes, expected ${expected} (${entry.count} images of ${this.size}×${this.size}×3)`);
    }
    const got = sha256(images);
    if (got !== entry.imagesSha256) throw new CorruptShardError(imagesFile, `sha256 mismatch: expected ${entry.imagesSha256}, got ${got}`);

    const metaFile = join(this.dir, entry.meta);
    const metaBytes = await readShardFile(metaFile);
    const metaSha = sha256(metaBytes);
    if (metaSha !== entry.metaSha256) throw new CorruptShardError(metaFile, `sha256 mismatch: expected ${entry.metaSha256}, got ${metaSha}`);
    const lines = metaBytes.toString('utf8').split('\n').filter((l) => l.length > 0);
    if (lines.length !== entry.count) throw new CorruptShardError(metaFile, `${lines.length} records, expected ${entry.count}`);
    const records = lines.map((text, i) => {
      let rec: unknown;
      try {
        rec = JSON.parse(text);
      } catch {
        throw new BadRecordError(metaFile, i + 1, 'not valid JSON');
      }
      const r = rec as { attributes?: unknown; identity?: unknown; captions?: unknown };
      if (!Array.isArray(r.captions) || !r.captions.every((c) => typeof c === 'string')) {
        throw new BadRecordError(metaFile, i + 1, 'captions must be a list of strings');
      }
      return {
        attributes: numbers(metaFile, i + 1, r.attributes, EDITABLE_ATTRIBUTE_NAMES, 'attributes'),
        identity: numbers(metaFile, i + 1, r.identity, IDENTITY_TRAIT_NAMES, 'identity'),
        captions: r.captions as string[],
      };
    });
    return { entry, images: new Uint8Array(images.buffer, images.byteOffset, images.length), records };
  }

  /** Check every shard's bytes against the manifest, one at a time. */
  async verify(): Promise<void> {
    for (const entry of this.manifest.shards) await this.loadShard(entry);
  }

  /** Items in shard order, or shuffled (shard order, order within shards, plus a shuffle buffer). */
  async *items(options: { seed?: number; shuffle?: boolean; epoch?: number } = {}): AsyncGenerator<DatasetItem, void, undefined> {
    const shuffle = options.shuffle ?? true;
    const rng = new Rng(hashFloats([options.seed ?? 0, options.epoch ?? 0]));
    const shards = this.manifest.shards;
    const order = shuffle ? Array.from(rng.permutation(shards.length)) : shards.map((_, i) => i);
    const per = this.size * this.size * 3;
    const loadShard = (entry: ShardEntry): Promise<LoadedShard> => this.loadShard(entry);
    async function* raw(): AsyncGenerator<DatasetItem, void, undefined> {
      // Read one shard ahead so disk and hashing overlap with the consumer.
      let next: Promise<LoadedShard> | null = null;
      const load = (k: number): Promise<LoadedShard> | null => {
        const idx = order[k];
        return idx === undefined ? null : loadShard(shards[idx] as ShardEntry);
      };
      next = load(0);
      // A read-ahead that is abandoned (consumer stopped) must not surface as an unhandled rejection.
      next?.catch(() => undefined);
      for (let k = 0; next !== null; k++) {
        const shard: LoadedShard = await next;
        next = load(k + 1);
        next?.catch(() => undefined);
        const within = shuffle ? rng.permutation(shard.records.length) : shard.records.map((_, i) => i);
        for (const i of within) {
          const rec = shard.records[i];
          if (rec === undefined) continue;
          yield {
            pixels: shard.images.subarray(i * per, (i + 1) * per),
            attributes: rec.attributes,
            identity: rec.identity,
            captions: rec.captions,
            source: `${shard.entry.images}#${i}`,
          };
        }
      }
    }
    yield* shuffle ? shuffleBuffer(raw(), this.manifest.shardSize, rng) : raw();
  }

  batches(options: BatchOptions): AsyncGenerator<Batch, void, undefined> {
    const o = checkBatchOptions(options);
    return toBatches(this.items(o), this.size, o.batchSize, o.dropRemainder);
  }
}

/** Open a dataset folder written by `writeDataset` (reads and checks the manifest only). */
export async function openDataset(dir: string): Promise<ShardDataset> {
  return new ShardDataset(dir, await readManifest(dir));
}
