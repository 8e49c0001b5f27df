import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomNormal } from '../runtime/testing/compare-backends';
import { loadCheckpoint, saveCheckpoint, type SaveOptions } from './checkpoint';
import { CheckpointError } from './errors';
import { decodeFloat16, encodeFloat16, fromFloat16Bits, toFloat16Bits } from './float16';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ckpt-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sample(): SaveOptions {
  return {
    architecture: { kind: 'test-net', config: { width: 8, layers: 2 } },
    tensors: {
      'dense/kernel': { shape: [3, 5], values: randomNormal(15, 1) },
      'dense/bias': { shape: [5], values: randomNormal(5, 2) },
      'odd/len': { shape: [3], values: randomNormal(3, 3) },
    },
    provenance: { command: 'test', seed: 1, steps: 0, dataManifestSha256: null, date: '2026-11-27T00:00:00Z' },
  };
}

describe('checkpoint format', () => {
  it('round-trips float32 bit-exactly', () => {
    const dir = join(tmp(), 'm');
    const opts = sample();
    saveCheckpoint(dir, opts);
    const { manifest, tensors } = loadCheckpoint(dir, { kind: 'test-net', config: { width: 8 }, expectShapes: { 'dense/kernel': [3, 5] } });
    expect(manifest.architecture.config).toEqual({ width: 8, layers: 2 });
    for (const [name, arr] of Object.entries(opts.tensors as Record<string, { shape: number[]; values: Float32Array }>)) {
      expect(tensors.get(name)!.shape).toEqual(arr.shape);
      expect(Buffer.from(tensors.get(name)!.values.buffer)).toEqual(Buffer.from(arr.values.buffer));
    }
  });

  it('round-trips float16 within half precision, odd lengths stay aligned', () => {
    const dir = join(tmp(), 'h');
    const opts = { ...sample(), dtype: 'float16' as const };
    saveCheckpoint(dir, opts);
    const { manifest, tensors } = loadCheckpoint(dir);
    for (const t of manifest.tensors) expect(t.offset % 4).toBe(0);
    const want = (opts.tensors as Record<string, { values: Float32Array }>)['dense/kernel']!.values;
    const got = tensors.get('dense/kernel')!.values;
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(Math.abs(want[i]!) * 2 ** -11 + 1e-7);
  });

  it.each([
    ['a missing folder', (d: string) => rmSync(d, { recursive: true }), /does not exist/],
    ['a missing weights.bin', (d: string) => rmSync(join(d, 'weights.bin')), /missing weights\.bin/],
    ['a truncated weights.bin', (d: string) => truncateSync(join(d, 'weights.bin'), 20), /truncated/],
    [
      'one altered byte',
      (d: string) => {
        const b = readFileSync(join(d, 'weights.bin'));
        b[7] = b[7]! ^ 1;
        writeFileSync(join(d, 'weights.bin'), b);
      },
      /corrupt or altered/,
    ],
    ['broken JSON', (d: string) => writeFileSync(join(d, 'manifest.json'), '{"format": '), /not valid JSON/],
    [
      'a tensor pointing outside the file',
      (d: string) => {
        const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as { tensors: Array<{ offset: number; shape: number[] }> };
        m.tensors[0]!.offset = 1 << 20;
        writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
      },
      /outside weights\.bin/,
    ],
    [
      'a shape that disagrees with the byte length',
      (d: string) => {
        const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as { tensors: Array<{ offset: number; shape: number[] }> };
        m.tensors[0]!.shape = [4, 5];
        writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
      },
      /does not match shape/,
    ],
  ] as const)('rejects %s with a CheckpointError naming the file', (_n, damage, message) => {
    const dir = join(tmp(), 'm');
    saveCheckpoint(dir, sample());
    damage(dir);
    expect(() => loadCheckpoint(dir)).toThrow(CheckpointError);
    expect(() => loadCheckpoint(dir)).toThrow(message);
    try {
      loadCheckpoint(dir);
    } catch (e) {
      expect((e as CheckpointError).file.startsWith(dir)).toBe(true);
    }
  });

  it('rejects the wrong architecture, config or shape', () => {
    const dir = join(tmp(), 'm');
    saveCheckpoint(dir, sample());
    expect(() => loadCheckpoint(dir, { kind: 'stylegan-generator' })).toThrow(/expected "stylegan-generator"/);
    expect(() => loadCheckpoint(dir, { config: { width: 16 } })).toThrow(/config\.width/);
    expect(() => loadCheckpoint(dir, { expectShapes: { 'dense/kernel': [5, 3] } })).toThrow(/expected \[5,3\]/);
    expect(() => loadCheckpoint(dir, { expectShapes: { missing: [1] } })).toThrow(/missing/);
  });

  it('saving over an existing checkpoint replaces it whole', () => {
    const dir = join(tmp(), 'm');
    saveCheckpoint(dir, sample());
    const opts = sample();
    (opts.tensors as Record<string, { values: Float32Array }>)['dense/bias']!.values.fill(7);
    saveCheckpoint(dir, opts);
    expect(Array.from(loadCheckpoint(dir).tensors.get('dense/bias')!.values)).toEqual([7, 7, 7, 7, 7]);
  });
});

describe('float16', () => {
  it('is exact for representable values and rounds to nearest even', () => {
    for (const v of [0, -0, 1, -2, 0.5, 65504, 2 ** -24, 2 ** -14, 1 + 2 ** -10]) expect(fromFloat16Bits(toFloat16Bits(v))).toBe(v);
    expect(fromFloat16Bits(toFloat16Bits(1 + 2 ** -11))).toBe(1); // tie → even
    expect(fromFloat16Bits(toFloat16Bits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9); // tie → even (up)
    expect(fromFloat16Bits(toFloat16Bits(1e6))).toBe(Infinity);
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
  });

  it('has relative error ≤ 2^-11 on normal random values', () => {
    const v = randomNormal(10_000, 5);
    const back = decodeFloat16(encodeFloat16(v));
    for (let i = 0; i < v.length; i++) if (Math.abs(v[i]!) > 2 ** -14) expect(Math.abs(back[i]! - v[i]!) / Math.abs(v[i]!)).toBeLessThanOrEqual(2 ** -11);
  });
});
