import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCanvas } from '@napi-rs/canvas';
import { BadRecordError, DatasetError, ImageDecodeError } from '@lfe/face-synth';
import { RealFaceDataset, loadRealFaceConfig, parseAttributeFile, type RealFaceConfig } from './index';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A tiny CelebA-format folder: faces numbered 1…n, each a left half red / right half blue JPEG of `side` px. */
function makeFolder(n: number, side = 16): { dir: string; config: RealFaceConfig } {
  const dir = mkdtempSync(join(tmpdir(), 'realface-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'img'));
  const lines = [String(n), 'Eyeglasses Smiling'];
  for (let i = 1; i <= n; i++) {
    const c = createCanvas(side, side);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#ff0000';
    ctx.fillRect(0, 0, side / 2, side);
    ctx.fillStyle = '#0000ff';
    ctx.fillRect(side / 2, 0, side / 2, side);
    writeFileSync(join(dir, 'img', `${i}.jpg`), c.toBuffer('image/jpeg', 95));
    lines.push(`${i}.jpg ${i % 2 ? 1 : -1} -1`);
  }
  writeFileSync(join(dir, 'attrs.txt'), `${lines.join('\n')}\n`);
  const config: RealFaceConfig = { ...loadRealFaceConfig(), images: 'img', attributes: 'attrs.txt', resolution: 16, split: { train: [1, 6], validation: [7, 8], test: [9, 10] } };
  return { dir, config };
}

describe('parseAttributeFile', () => {
  it('reads the CelebA format', () => {
    const a = parseAttributeFile('2\nA B\n1.jpg 1 -1\n2.jpg -1 1\n', 'f');
    expect(a.names).toEqual(['A', 'B']);
    expect(a.files).toEqual(['1.jpg', '2.jpg']);
    expect([...a.numbers]).toEqual([1, 2]);
    expect([...a.labels]).toEqual([1, -1, -1, 1]);
  });
  it('names file and line of a bad row', () => {
    expect(() => parseAttributeFile('2\nA B\n1.jpg 1 -1\n2.jpg 1\n', 'attrs.txt')).toThrow(/attrs.txt:4: 1 values for 2 attributes/);
    expect(() => parseAttributeFile('1\nA\n1.jpg 0\n', 'attrs.txt')).toThrow(BadRecordError);
    expect(() => parseAttributeFile('3\nA\n1.jpg 1\n', 'attrs.txt')).toThrow(/says 3 images, the file lists 1/);
    expect(() => parseAttributeFile('1\nA\nface.jpg 1\n', 'attrs.txt')).toThrow(/not a number/);
  });
});

describe('RealFaceDataset', () => {
  it('splits by image number, decodes, resizes, flips and caches', async () => {
    const { dir, config } = makeFolder(10, 32); // 32 px files, 16 px faces: resized on decode
    const cache = mkdtempSync(join(tmpdir(), 'realface-cache-'));
    dirs.push(cache);
    const set = await RealFaceDataset.open({ data: dir, config: { ...config, cache } });
    expect(set.count).toBe(10);
    expect(set.rowsOf('train').map((r) => set.numbers[r])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(set.split('test').count).toBe(2);
    expect(set.label(0, 'Eyeglasses')).toBe(true);
    const b = set.split('validation').slice(0, 2);
    expect(b.shape).toEqual([2, 16, 16, 3]);
    expect(b.numbers).toEqual([7, 8]);
    // left half red, right half blue (JPEG: within a few levels)
    expect(b.images[0]).toBeGreaterThan(0.9);
    expect(b.images[2]).toBeLessThan(-0.9);
    expect(b.images[15 * 3 + 2]).toBeGreaterThan(0.9);
    // flips: over a few epochs some faces come out mirrored, and mirrored means blue on the left
    let mirrored = 0;
    for (let epoch = 0; epoch < 4; epoch++) {
      for await (const batch of set.split('train', { flip: true }).batches({ batchSize: 3, seed: 5, epoch })) {
        for (let i = 0; i < batch.shape[0]; i++) if (batch.images[i * 16 * 16 * 3 + 2]! > 0.9) mirrored++;
      }
    }
    expect(mirrored).toBeGreaterThan(0);
    expect(mirrored).toBeLessThan(24);
    // the second open reads the cache: same bytes
    const again = await RealFaceDataset.open({ data: dir, config: { ...config, cache } });
    expect(Buffer.compare(Buffer.from(again.pixels), Buffer.from(set.pixels))).toBe(0);
  });

  it('names the missing folder, the missing image and the corrupt image', async () => {
    const { dir, config } = makeFolder(10);
    await expect(RealFaceDataset.open({ data: join(dir, 'nope'), config, cache: false })).rejects.toThrow(new RegExp(`${join(dir, 'nope')}.*not found`));
    rmSync(join(dir, 'img', '4.jpg'));
    await expect(RealFaceDataset.open({ data: dir, config, cache: false })).rejects.toThrow(/4\.jpg: listed in the attribute file but no such image/);
    writeFileSync(join(dir, 'img', '4.jpg'), Buffer.from('not a jpeg at all'));
    const err = await RealFaceDataset.open({ data: dir, config, cache: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect(String(err)).toMatch(/4\.jpg: corrupt/);
    expect(err).toBeInstanceOf(DatasetError);
  });
});

describe('the shared real-face data (../shared/realface)', () => {
  it('is there, with the fixed split and the 40 CelebA labels', async () => {
    // Fails, naming the path it wanted, when the data folder is missing.
    const set = await RealFaceDataset.open();
    expect(set.count).toBe(30000);
    expect(set.names).toHaveLength(40);
    expect([set.rowsOf('train').length, set.rowsOf('validation').length, set.rowsOf('test').length]).toEqual([27000, 1500, 1500]);
    let glasses = 0;
    for (let i = 0; i < set.count; i++) if (set.label(i, 'Eyeglasses')) glasses++;
    expect(glasses).toBe(1468); // the README's count
  });
});
