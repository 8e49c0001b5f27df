import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRecordError, ImageDecodeError } from '../errors';
import type { Batch } from './batch';
import { openImageFolder, parseImageIndex } from './image-folder-dataset';

let dir: string;

/** A wide PNG: green side bands around a red centre square of the image's height. */
async function bandedPng(width: number, height: number): Promise<Buffer> {
  const c = createCanvas(width, height);
  const g = c.getContext('2d');
  g.fillStyle = '#00ff00';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#ff0000';
  g.fillRect((width - height) / 2, 0, height, height);
  return c.encode('png');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'face-synth-folder-'));
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'wide.png'), await bandedPng(200, 100));
  await writeFile(join(dir, 'sub', 'small.png'), await bandedPng(60, 20));
  await writeFile(join(dir, 'broken.png'), Buffer.from('not an image'));
  const lines = [
    { image: 'wide.png', captions: ['a red square', 'red'] },
    { image: 'sub/small.png', captions: ['a small one'] },
  ];
  await writeFile(join(dir, 'captions.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  await writeFile(join(dir, 'bad.jsonl'), JSON.stringify({ image: 'broken.png', captions: ['x'] }) + '\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('ImageFolderDataset', () => {
  it('resizes and centre-crops photos into the same batches as the synthetic shards', async () => {
    const ds = await openImageFolder(dir, { size: 32 });
    expect(ds.count).toBe(2);
    const [batch] = await collect(ds.batches({ batchSize: 4, shuffle: false }));
    expect(batch!.shape).toEqual([2, 32, 32, 3]);
    expect(batch!.attributes).toBeNull();
    expect(batch!.captions).toEqual([['a red square', 'red'], ['a small one']]);
    expect(batch!.sources).toEqual(['wide.png', 'sub/small.png']);
    // The crop keeps only the red centre: every pixel off the filtered 2-pixel rim is red.
    for (let k = 0; k < 2; k++) {
      for (let y = 2; y < 30; y++) {
        for (let x = 2; x < 30; x++) {
          const i = ((k * 32 + y) * 32 + x) * 3;
          expect(batch!.images[i]).toBeGreaterThan(0.9);
          expect(batch!.images[i + 1]).toBeLessThan(-0.9);
        }
      }
    }
  });

  it('shuffles by seed', async () => {
    const ds = await openImageFolder(dir, { size: 32 });
    const orders = new Set<string>();
    for (let seed = 0; seed < 8; seed++) {
      const [b] = await collect(ds.batches({ batchSize: 2, seed }));
      orders.add(b!.sources.join());
    }
    expect(orders.size).toBe(2);
  });

  it('names the file of an image that does not decode', async () => {
    const ds = await openImageFolder(dir, { size: 32, index: 'bad.jsonl' });
    const err = await collect(ds.batches({ batchSize: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect((err as ImageDecodeError).file).toBe(join(dir, 'broken.png'));
  });

  it('rejects bad index lines with file and line number', () => {
    const ok = JSON.stringify({ image: 'a.png', captions: ['x'] });
    expect(() => parseImageIndex(`${ok}\n{"image": "../up.png", "captions": ["x"]}`, 'idx.jsonl')).toThrow(/idx\.jsonl:2: image must be a relative path/);
    expect(() => parseImageIndex(`${ok}\n\n{"image": "b.png", "captions": []}`, 'idx.jsonl')).toThrow(BadRecordError);
    expect(() => parseImageIndex('{nope', 'idx.jsonl')).toThrow(/idx\.jsonl:1: not valid JSON/);
    expect(() => parseImageIndex(JSON.stringify({ image: '/etc/passwd', captions: ['x'] }), 'i')).toThrow(BadRecordError);
  });
});
