import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CELEBA_FOR_LEVEL, EDITABLE_ATTRIBUTES, decodeIds, meetsCeleba, parseCommand } from '@lfe/edit-language';
import { Captioner, Encoder, Generator, initRuntime, type GeneratorConfig } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editAtomKey, editAtoms } from './edit-pairs';
import { EDIT_TARGETS_KIND, atomDirections, loadEditTargets, makeEditTargetShard, resolveEditTargetConfig, writeEditTargetsManifest } from './edit-targets';
import { EditorTrainer, resolveEditorTrainConfig } from './editor-trainer';
import { saveAtomDirections } from './measured-atoms';
import { labelsOfRow, realAtomPair, realAtoms, realFaceImages } from './real-pairs';

const G_CFG: GeneratorConfig = { resolution: 64, zDim: 16, wDim: 16, mappingLayers: 2, mappingLrMul: 0.01, channelBase: 64, channelMax: 8 };
const PROV = { command: 'test', dataManifestSha256: null, date: '2026-12-07' };

let set: RealFaceDataset;
let dir: string;
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  set = await RealFaceDataset.open();
  dir = mkdtempSync(join(tmpdir(), 'real-pairs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('real atoms (the edits a real face caption can state)', () => {
  it('are labelled levels, absences as removes, no level that reads like another, all in the synthetic stream', () => {
    const atoms = realAtoms();
    const keys = atoms.map((a) => a.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('eyewear:set:1:0.6'); // add glasses
    expect(keys).toContain('eyewear:remove::0.6'); // no glasses
    expect(keys).toContain('hairColor:set:2:0.6'); // blond hair
    expect(keys).not.toContain('eyewear:set:2:0.6'); // sunglasses: CelebA's Eyeglasses, captions say glasses
    expect(keys).not.toContain('hairColor:set:3:0.6'); // red: no label
    expect(keys.some((k) => k.startsWith('hairLength:'))).toBe(false); // no label
    for (const a of atoms) {
      const spec = EDITABLE_ATTRIBUTES.find((s) => s.name === a.edit.attribute)!;
      const level = a.edit.op === 'remove' ? 0 : a.edit.level!;
      expect(CELEBA_FOR_LEVEL[spec.name][spec.levels[level]!]).toEqual(a.target);
    }
    // The atom distillation says fresh commands of the synthetic pair stream and keeps those made of
    // atoms with a direction: every real atom must occur there.
    const synthetic = new Set(editAtoms(521, { zhFraction: 0.5, maxEdits: 3 }).map(editAtomKey));
    for (const k of keys) expect(synthetic.has(k)).toBe(true);
  });

  it('answer "sunglasses" with the glasses direction (CelebA has one label for both)', () => {
    const atoms = realAtoms();
    const glasses = atoms.findIndex((a) => a.key === 'eyewear:set:1:0.6');
    const delta = Float32Array.from({ length: 6 }, (_, i) => i + 1);
    const manifest = { kind: EDIT_TARGETS_KIND, config: resolveEditTargetConfig({ stream: 'real-atoms', shareGroup: 1, batchSize: 1, shardSize: 1 }), generatorSha256: 'g', encoderSha256: 'e', captionerSha256: 'c' } as const;
    const dirs = atomDirections({ manifest, count: 1, numWs: 2, wDim: 3, w: new Float32Array(6), delta, index: Int32Array.from([glasses]) });
    expect([...dirs.keys()].sort()).toEqual(['eyewear:set:1:0.6', 'eyewear:set:2:0.6']);
    expect(Array.from(dirs.get('eyewear:set:2:0.6')!)).toEqual(Array.from(delta));
  });

  it('pairs real train faces the edit changes with a command that parses back and a caption of the new level', () => {
    const rows = set.rowsOf('train');
    const atoms = realAtoms();
    const glasses = atoms.findIndex((a) => a.key === 'eyewear:set:1:0.6');
    const group = 4;
    for (const lang of [0, 1]) {
      for (let i = 0; i < group; i++) {
        const k = glasses * group + i;
        const { pair, row } = realAtomPair(set, rows, 7, k, group, atoms, { zhFraction: lang });
        expect(rows).toContain(row);
        expect(meetsCeleba(atoms[glasses]!.target, labelsOfRow(set, row))).toBe(false); // no glasses yet
        expect(pair.lang).toBe(lang === 1 ? 'zh' : 'en');
        expect(pair.edits.map(editAtomKey)).toEqual(['eyewear:set:1:0.6']);
        const parsed = parseCommand(pair.command);
        if (parsed.kind !== 'edit') throw new Error(`"${pair.command}" parsed as ${parsed.kind}`);
        expect(parsed.edits.map((e) => `${e.attribute}:${e.op}:${e.level ?? ''}`)).toEqual(['eyewear:set:1']);
        expect(pair.caption).toMatch(lang === 1 ? /眼镜/ : /glasses/);
        expect(decodeIds(pair.captionIds).join(' ')).toMatch(lang === 1 ? /眼\s?镜/ : /glasses/);
        expect(realAtomPair(set, rows, 7, k, group, atoms, { zhFraction: lang })).toEqual({ pair, row }); // pure
      }
    }
    // "no glasses" goes to faces that wear them.
    const remove = atoms.findIndex((a) => a.key === 'eyewear:remove::0.6');
    const { row } = realAtomPair(set, rows, 7, remove * group, group, atoms, { zhFraction: 0 });
    expect(set.label(row, 'Eyeglasses')).toBe(true);
    const img = realFaceImages(set, [row]);
    expect(img.length).toBe(64 * 64 * 3);
    expect(Math.min(...img)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...img)).toBeLessThanOrEqual(1);
  });

  it('make shared teacher directions on real faces that the atom distillation reads', async () => {
    const g = new Generator(G_CFG, 1);
    const enc = new Encoder({ resolution: 64, channels: [4, 4, 4, 4], convsPerStage: 1, featureDim: 8, wDim: 16, numWs: g.numWs });
    const cap = new Captioner({ resolution: 64, stages: [{ channels: 4, convs: 1 }, { channels: 4, convs: 1 }], featureDim: 16, contextDim: 8, embeddingDim: 8, styleDim: 4, hiddenDim: 8 });
    try {
      const c = resolveEditTargetConfig({ seed: 3, stream: 'real-atoms', shareGroup: 4, batchSize: 4, shardSize: 8, steps: 6, lr: 0.1 });
      expect(() => resolveEditTargetConfig({ stream: 'real-atoms', targetCaption: 'full' })).toThrow(/requested/);
      expect(() => makeEditTargetShard(join(dir, 'x'), 0, c, { generator: g, encoder: enc, captioner: cap }, PROV)).toThrow(/real-face data set/);
      const out = join(dir, 'targets');
      writeEditTargetsManifest(out, { kind: EDIT_TARGETS_KIND, config: c, generatorSha256: 'g', encoderSha256: 'e', captionerSha256: 'c' });
      const st = makeEditTargetShard(out, 0, c, { generator: g, encoder: enc, captioner: cap, realFaces: set }, PROV);
      expect(st.nllAfter).toBeLessThan(st.nllBefore);
      const t = loadEditTargets(out);
      expect(t.count).toBe(8);
      const per = t.numWs * t.wDim;
      // One offset per group of 4 faces (the atom's direction), different between the two atoms.
      expect(Array.from(t.delta.subarray(0, per))).toEqual(Array.from(t.delta.subarray(3 * per, 4 * per)));
      expect(Array.from(t.delta.subarray(0, per))).not.toEqual(Array.from(t.delta.subarray(4 * per, 5 * per)));
      const dirs = atomDirections(t);
      expect([...dirs.keys()]).toEqual(realAtoms().slice(0, 2).map((a) => a.key)); // glasses not among them: no sunglasses alias either
      // The distillation pairs the stored real faces with fresh commands made only of those atoms.
      const cfg = resolveEditorTrainConfig({ batchSize: 4, steps: 2, nllWeight: 0, distill: out, distillWeight: 1, textEncoder: { alpha: 0.7, hidden: 8, codeDim: 8 }, fusion: { mode: 'residual', hidden: 8 } });
      const tr = new EditorTrainer(cfg, g, enc, cap, undefined, t);
      try {
        const s = await tr.trainStep();
        expect(Number.isFinite(s.distill)).toBe(true);
        expect(tr.atomKeys()).toEqual([...dirs.keys()].sort());
      } finally {
        tr.dispose();
      }
      // Measured atoms (eye size, hair length) fill keys the captioner cannot teach; shared keys keep the captioner's.
      const measured = join(dir, 'measured');
      saveAtomDirections(measured, new Map([['hairLength:set:2:0.6', new Float32Array(per).fill(0.5)], [realAtoms()[0]!.key, new Float32Array(per)]]), [g.numWs, 16], {}, { ...PROV, seed: 0, steps: 0 });
      expect(() => resolveEditorTrainConfig({ ...cfg, distill: null, nllWeight: 1, measuredAtoms: measured })).toThrow(/needs atom distillation/);
      const tm = new EditorTrainer(resolveEditorTrainConfig({ ...cfg, measuredAtoms: measured }), g, enc, cap, undefined, t);
      try {
        expect(tm.atomKeys()).toEqual([...dirs.keys(), 'hairLength:set:2:0.6'].sort());
        await tm.trainStep();
      } finally {
        tm.dispose();
      }
    } finally {
      for (const m of [g, enc, cap]) m.dispose();
    }
  });
});
