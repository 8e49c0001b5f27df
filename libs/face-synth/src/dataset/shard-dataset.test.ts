import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEMA_VERSION } from '@lfe/edit-language';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptShardError, ManifestError } from '../errors';
import { render } from '../face/render';
import type { Batch } from './batch';
import { openDataset } from './shard-dataset';
import { datasetFace, writeDataset } from './writer';

const COUNT = 40;
const SIZE = 32;
const SHARD = 16;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'face-synth-ds-'));
  await writeDataset({ dir: join(root, 'a'), count: COUNT, size: SIZE, seed: 5, shardSize: SHARD });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

async function copyDataset(name: string): Promise<string> {
  const dir = join(root, name);
  await writeDataset({ dir, count: COUNT, size: SIZE, seed: 5, shardSize: SHARD });
  return dir;
}

describe('writeDataset', () => {
  it('writes the same bytes for the same seed, other bytes for another seed', async () => {
    await writeDataset({ dir: join(root, 'b'), count: COUNT, size: SIZE, seed: 5, shardSize: SHARD });
    await writeDataset({ dir: join(root, 'c'), count: COUNT, size: SIZE, seed: 6, shardSize: SHARD });
    const files = (await readdir(join(root, 'a'))).sort();
    expect(files).toEqual(['manifest.json', 'shard-00000.jsonl', 'shard-00000.rgb', 'shard-00001.jsonl', 'shard-00001.rgb', 'shard-00002.jsonl', 'shard-00002.rgb']);
    for (const f of files) {
      const a = await readFile(join(root, 'a', f));
      expect(a.equals(await readFile(join(root, 'b', f))), f).toBe(true);
      if (f !== 'manifest.json') expect(a.equals(await readFile(join(root, 'c', f))), f).toBe(false);
    }
  });

  it('records count, size, seed, schema version and per-shard hashes in the manifest', async () => {
    const ds = await openDataset(join(root, 'a'));
    const m = ds.manifest;
    expect(m).toMatchObject({ count: COUNT, size: SIZE, seed: 5, schemaVersion: SCHEMA_VERSION, shardSize: SHARD });
    expect(m.shards.map((s) => s.count)).toEqual([16, 16, 8]);
    await expect(ds.verify()).resolves.toBeUndefined();
  });

  it('stores captions from the caption grammar (English and Chinese)', async () => {
    const meta = (await readFile(join(root, 'a', 'shard-00000.jsonl'), 'utf8')).trim().split('\n');
    const rec = JSON.parse(meta[0]!) as { captions: string[] };
    expect(rec.captions).toHaveLength(4);
    expect(rec.captions[0]).toMatch(/[a-z]/);
    expect(rec.captions[2]).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('ShardDataset', () => {
  it('streams every image once, in [-1, 1], matching the renderer and its attributes', async () => {
    const ds = await openDataset(join(root, 'a'));
    const batches = await collect(ds.batches({ batchSize: 7, shuffle: false }));
    expect(batches.map((b) => b.shape[0])).toEqual([7, 7, 7, 7, 7, 5]);
    const first = batches[0]!;
    expect(first.shape).toEqual([7, SIZE, SIZE, 3]);
    const { desc } = datasetFace(5, 0);
    const px = render(desc, SIZE).data;
    let worst = 0;
    for (let i = 0; i < px.length; i++) worst = Math.max(worst, Math.abs(first.images[i]! - (px[i]! / 127.5 - 1)));
    expect(worst).toBeLessThan(1e-6);
    expect(first.attributes![0]).toBeCloseTo(desc.attributes.hairLength, 5);
    expect(first.identity![0]).toBe(desc.identity.gender);
    expect(first.captions[0]!.length).toBe(4);
    for (const b of batches) expect(b.images.every((v) => v >= -1 && v <= 1)).toBe(true);
  });

  it('shuffles deterministically by seed and epoch, still yielding each image once', async () => {
    const ds = await openDataset(join(root, 'a'));
    const order = async (seed: number, epoch = 0): Promise<string[]> =>
      (await collect(ds.batches({ batchSize: 8, seed, epoch }))).flatMap((b) => b.sources);
    const a = await order(1);
    expect(await order(1)).toEqual(a);
    expect(await order(2)).not.toEqual(a);
    expect(await order(1, 1)).not.toEqual(a);
    expect(new Set(a).size).toBe(COUNT);
    const sequential = (await collect(ds.batches({ batchSize: 8, shuffle: false }))).flatMap((b) => b.sources);
    expect(a).not.toEqual(sequential);
  });

  it('drops the remainder on request', async () => {
    const ds = await openDataset(join(root, 'a'));
    expect((await collect(ds.batches({ batchSize: 16, dropRemainder: true }))).map((b) => b.shape[0])).toEqual([16, 16]);
  });

  it('fails with CorruptShardError naming the file on a flipped byte, after streaming the good shards', async () => {
    const dir = await copyDataset('flip');
    const file = join(dir, 'shard-00002.rgb');
    const bytes = await readFile(file);
    bytes[100] = (bytes[100]! + 1) % 256;
    await writeFile(file, bytes);
    const ds = await openDataset(dir);
    let seen = 0;
    const err = await (async () => {
      try {
        for await (const b of ds.batches({ batchSize: 8, shuffle: false })) seen += b.shape[0];
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(CorruptShardError);
    expect((err as CorruptShardError).file).toBe(file);
    expect((err as Error).message).toContain('shard-00002.rgb');
    expect((err as Error).message).toMatch(/sha256 mismatch/);
    expect(seen).toBe(32); // the two good shards streamed before the bad one was reached
  });

  it('fails with CorruptShardError on a truncated shard, a missing shard and altered metadata', async () => {
    const dir = await copyDataset('trunc');
    await truncate(join(dir, 'shard-00001.rgb'), 1000);
    await expect((await openDataset(dir)).verify()).rejects.toThrow(/shard-00001\.rgb: truncated: 1000 bytes/);

    const dir2 = await copyDataset('missing');
    await rm(join(dir2, 'shard-00000.rgb'));
    await expect((await openDataset(dir2)).verify()).rejects.toThrow(CorruptShardError);

    const dir3 = await copyDataset('meta');
    const meta = join(dir3, 'shard-00001.jsonl');
    await writeFile(meta, (await readFile(meta, 'utf8')).replace('"beard":0', '"beard":1'));
    await expect((await openDataset(dir3)).verify()).rejects.toThrow(/shard-00001\.jsonl: sha256 mismatch/);
  });

  it('refuses a manifest from another schema version or with unsafe file names', async () => {
    const dir = await copyDataset('schema');
    const file = join(dir, 'manifest.json');
    const m = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...m, schemaVersion: SCHEMA_VERSION + 1 }));
    await expect(openDataset(dir)).rejects.toThrow(ManifestError);
    const shards = m.shards as { images: string }[];
    shards[0]!.images = '../../etc/passwd';
    await writeFile(file, JSON.stringify(m));
    await expect(openDataset(dir)).rejects.toThrow(/shards\[0\]\.images must be a plain file name/);
    await expect(openDataset(join(root, 'nowhere'))).rejects.toThrow(ManifestError);
  });
});
