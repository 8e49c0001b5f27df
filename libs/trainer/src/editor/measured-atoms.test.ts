import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@lfe/edit-language';
import { Encoder, Generator, initRuntime, loadFraming, type GeneratorConfig } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../testing/real-models';
import { editAtomKey, editAtoms } from './edit-pairs';
import { conditionalDirection, loadAtomDirections, measuredAtomDirections, measuredAtomScales, saveAtomDirections } from './measured-atoms';

const PROV = { command: 'test', seed: 0, steps: 0, dataManifestSha256: null, date: '2026-12-07' };
let dir: string;
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'measured-atoms-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('measured atom directions (eye size, hair length)', () => {
  it('regress the measure with the labels held fixed: a planted direction comes back, its confound does not', () => {
    const rng = seededRandom(5);
    const n = 2000;
    const dim = 6;
    const u = [1, 0, 0, 0.5, 0, 0];
    const v = [0, 1, 0, 0, 0, -1];
    const z = new Float64Array(n);
    const labels: Array<Record<string, boolean>> = [];
    const w = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const young = rng.next() < 0.5;
      // The measure correlates with the label (big eyes with young), and the label moves the code along v.
      z[i] = (young ? 0.8 : -0.8) + (rng.next() - 0.5) * 2;
      labels.push({ Young: young, Male: rng.next() < 0.5 });
      for (let d = 0; d < dim; d++) w[i * dim + d] = 2 * z[i]! * u[d]! + 3 * (young ? 1 : -1) * v[d]! + (rng.next() - 0.5) * 0.2;
    }
    const beta = conditionalDirection(z, labels, ['Young', 'Male', 'Bald'], w, dim); // Bald never set: dropped, not singular
    for (let d = 0; d < dim; d++) expect(beta[d]!).toBeCloseTo(2 * u[d]!, 1);
    // A plain difference of means would have carried the label's direction too.
    let naive = 0;
    for (let i = 0; i < n; i++) naive += (z[i]! > 0 ? 1 : -1) * w[i * dim + 1]!;
    expect(Math.abs(naive / n)).toBeGreaterThan(1);
  });

  it('scale each atom by the gap it crosses, with the signs and keys of the pair stream', () => {
    const s = { zBottom: -1.2, zTop: 1.2, zNotBottom: 0.6, zNotTop: -0.6 };
    const atoms = measuredAtomScales('eyeSize', s);
    const byKey = new Map(atoms.map((a) => [editAtomKey(a.edit), a.scale]));
    expect(byKey.get('eyeSize:set:2:0.6')).toBeCloseTo(1.8, 6);
    expect(byKey.get('eyeSize:set:0:0.6')).toBeCloseTo(-1.8, 6);
    expect(byKey.get('eyeSize:increase::0.6')).toBeCloseTo(1.2, 6);
    expect(byKey.get('eyeSize:decrease::0.3')).toBeCloseTo(-0.6, 6);
    expect(byKey.get('eyeSize:set:2:1')).toBeCloseTo(3, 6);
    const synthetic = new Set(editAtoms(521, { zhFraction: 0.5, maxEdits: 3 }).map(editAtomKey));
    for (const k of byKey.keys()) expect(synthetic.has(k)).toBe(true);
  });

  it('are made from real train faces, saved, and refused for another W+ shape', async () => {
    const cfg: GeneratorConfig = { resolution: 64, zDim: 8, wDim: 8, mappingLayers: 1, mappingLrMul: 0.01, channelBase: 32, channelMax: 4 };
    const g = new Generator(cfg, 2);
    const enc = new Encoder({ resolution: 64, channels: [4, 4, 4, 4], convsPerStage: 1, featureDim: 8, wDim: 8, numWs: g.numWs });
    try {
      const set = await RealFaceDataset.open();
      const framing = loadFraming(join(REPO, 'models/real'))!;
      const { directions, stats } = await measuredAtomDirections(g, enc, set, framing, { faces: 80 });
      expect(stats.map((s) => s.attribute)).toEqual(['eyeSize', 'hairLength']);
      for (const s of stats) {
        expect(s.faces).toBe(80);
        expect(s.zTop).toBeGreaterThan(s.zNotTop);
        expect(s.zBottom).toBeLessThan(s.zNotBottom);
      }
      for (const s of stats) expect(s.calibrationFaces).toBe(80);
      expect(directions.size).toBe(24); // 2 attributes × 3 degrees × (set big, set small, increase, decrease)
      const per = g.numWs * 8;
      for (const d of directions.values()) {
        expect(d.length).toBe(per);
        for (const x of d) expect(Number.isFinite(x)).toBe(true);
      }
      const out = join(dir, 'atoms');
      saveAtomDirections(out, directions, [g.numWs, 8], {}, PROV);
      const back = loadAtomDirections(out, { numWs: g.numWs, wDim: 8 });
      expect([...back.keys()]).toEqual([...directions.keys()]);
      expect(Array.from(back.get('hairLength:set:2:0.6')!)).toEqual(Array.from(directions.get('hairLength:set:2:0.6')!));
      expect(() => loadAtomDirections(out, { numWs: g.numWs, wDim: 16 })).toThrow(/W\+ is/);
    } finally {
      g.dispose();
      enc.dispose();
    }
  }, 120_000);
});
