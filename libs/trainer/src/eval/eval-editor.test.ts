import * as tf from '@tensorflow/tfjs';
import { EDITABLE_ATTRIBUTE_NAMES, IDENTITY_TRAITS, VOCABULARY_SIZE, parseCommand } from '@lfe/edit-language';
import { Encoder, Fusion, Generator, TextEncoder, initRuntime, type GeneratorConfig } from '@lfe/face-pipeline';
import { beforeAll, describe, expect, it } from 'vitest';
import { editAtomKey } from '../editor/edit-pairs';
import { Judge, type JudgeVerdict } from '../judge/judge';
import { atomTeacherMethod, buildCases, caseTargets, evaluateEditor, formatEditorReport, fusionMethod, identityKept, interFaceGanMethod } from './eval-editor';
import { fitInterFaceGan, interFaceGanEdit } from './eval-interfacegan';

const G_CFG: GeneratorConfig = { resolution: 32, zDim: 16, wDim: 16, mappingLayers: 2, mappingLrMul: 0.01, channelBase: 128, channelMax: 16 };

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

describe('buildCases', () => {
  it('makes one generated held-out command per face by default', () => {
    const { cases, unknownTexts } = buildCases({ seed: 3, faces: 12 });
    expect(cases).toHaveLength(12);
    expect(unknownTexts).toEqual([]);
    expect(new Set(cases.map((c) => c.lang))).toEqual(new Set(['en', 'zh']));
  });
  it('paired: says every generated case again in the other language, same face and edits', () => {
    const single = buildCases({ seed: 3, faces: 12 }).cases;
    const { cases } = buildCases({ seed: 3, faces: 12, paired: true });
    expect(cases).toHaveLength(24);
    for (let k = 0; k < 12; k++) {
      const [a, b] = [cases[2 * k]!, cases[2 * k + 1]!];
      expect(a).toEqual(single[k]);
      expect(b.faceIndex).toBe(k);
      expect(b.lang).not.toBe(a.lang);
      expect(b.edits).toEqual(a.edits);
      // The other-language command parses back to the same requested levels.
      const parsed = parseCommand(b.text);
      expect(parsed.kind).toBe('edit');
      const sorted = (t: ReturnType<typeof caseTargets>): unknown => [...t[0]!].sort((x, y) => (x.attribute < y.attribute ? -1 : 1));
      expect(sorted(caseTargets([{ ...b, edits: parsed.kind === 'edit' ? parsed.edits : [] }]))).toEqual(sorted(caseTargets([a])));
      expect(/\p{Script=Han}/u.test(b.text)).toBe(b.lang === 'zh');
    }
    expect(() => buildCases({ seed: 3, faces: 2, texts: ['add glasses'], paired: true })).toThrow(/paired needs generated commands/);
  });
  it('reports texts it cannot evaluate instead of crashing, and pairs the rest with faces', () => {
    const { cases, unknownTexts } = buildCases({ seed: 3, faces: 4, texts: ['add glasses', 'add goggles', 'undo', '大眼睛长头发', 'x'.repeat(10_000)] });
    expect(unknownTexts.map((u) => u.text.slice(0, 11))).toEqual(['add goggles', 'undo', 'xxxxxxxxxxx']);
    expect(cases).toHaveLength(4);
    expect(cases.map((c) => c.text)).toEqual(['add glasses', '大眼睛长头发', 'add glasses', '大眼睛长头发']);
    expect(caseTargets(cases)[0]).toEqual([{ attribute: 'eyewear', level: 1 }]);
  });
});

describe('InterFaceGAN baseline', () => {
  it('moves w by the fixed step along the level direction, for the rows that ask for it', () => {
    const dirs = { wDim: 3, samples: 0, directions: new Map([['eyewear=1', { normal: Float32Array.from([1, 0, 0]), step: 2, positives: 10 }]]) };
    const w = tf.zeros([2, 4, 3]) as tf.Tensor3D;
    const out = interFaceGanEdit(dirs, w, [[{ attribute: 'eyewear', level: 1 }], [{ attribute: 'hat', level: 1 }]]);
    const v = out.arraySync();
    expect(v[0]![3]).toEqual([2, 0, 0]);
    expect(v[1]![0]).toEqual([0, 0, 0]); // no direction for hat=1: unchanged
    tf.dispose([w, out]);
  });

  it('fits unit directions from judge labels of generator samples', () => {
    const g = new Generator(G_CFG, 1);
    const judge = new Judge({ resolution: 32, stages: [{ channels: 4, convs: 1 }, { channels: 4, convs: 1 }], featureDim: 8 });
    const before = tf.memory().numTensors;
    const dirs = fitInterFaceGan(g, judge, { samples: 100, seed: 1, iterations: 20, minPositives: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(dirs.directions.size).toBeGreaterThan(0);
    for (const d of dirs.directions.values()) {
      expect(Math.hypot(...d.normal)).toBeCloseTo(1, 4);
      expect(d.step).toBeGreaterThanOrEqual(0);
    }
    g.dispose();
    judge.dispose();
  });
});

describe('atomTeacherMethod', () => {
  it("adds the sum of each case's atom directions; edits without one add nothing", () => {
    const { cases } = buildCases({ seed: 5, faces: 6 });
    const key = editAtomKey(cases[0]!.edits[0]!);
    const per = 3 * 4;
    const m = atomTeacherMethod(new Map([[key, new Float32Array(per).fill(0.5)]]));
    const w = tf.zeros([6, 3, 4]) as tf.Tensor3D;
    const out = m(w, cases).arraySync();
    cases.forEach((c, i) => {
      const times = c.edits.filter((e) => editAtomKey(e) === key).length;
      expect(out[i]![2]![3]).toBeCloseTo(0.5 * times, 6);
    });
    expect(out[0]![0]![0]).toBeGreaterThan(0);
    expect(() => atomTeacherMethod(new Map([[key, new Float32Array(5)]]))(w, cases)).toThrow(/directions/);
    w.dispose();
  });
});

describe('evaluateEditor', () => {
  it('writes the report shape with fractions in 0–1 for every method, without leaks', () => {
    const g = new Generator(G_CFG, 1);
    const encoder = new Encoder({ resolution: 32, channels: [8, 8], convsPerStage: 1, featureDim: 16, wDim: 16, numWs: g.numWs });
    const judge = new Judge({ resolution: 32, stages: [{ channels: 4, convs: 1 }, { channels: 4, convs: 1 }], featureDim: 8 });
    const te = new TextEncoder({ vocabSize: VOCABULARY_SIZE, alpha: 0.7, hidden: 4, codeDim: 4 });
    const fr = new Fusion({ mode: 'residual', wDim: 16, codeDim: 4, numWs: g.numWs, hidden: 8 });
    const fp = new Fusion({ mode: 'patent', wDim: 16, codeDim: 4, numWs: g.numWs, hidden: 8 });
    const dirs = fitInterFaceGan(g, judge, { samples: 60, seed: 2, iterations: 5, minPositives: 3 });
    const { cases } = buildCases({ seed: 5, faces: 10 });
    const before = tf.memory().numTensors;
    const report = evaluateEditor({ generator: g, encoder, judge, methods: { default: fusionMethod(te, fr), patent: fusionMethod(te, fp), interfacegan: interFaceGanMethod(dirs) }, cases, faces: 10, texts: 10, seed: 5, batchSize: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(report.methods)).toEqual(['default', 'patent', 'interfacegan']);
    for (const m of Object.values(report.methods)) {
      for (const v of [m.editAccuracy, m.identityKept, m.identityKeptAll]) expect(v >= 0 && v <= 1).toBe(true);
      expect(Number.isFinite(m.fdJudge)).toBe(true);
      expect(m.msPerEdit).toBeGreaterThan(0);
      expect(Object.values(m.perAttribute).reduce((s, p) => s + (p?.n ?? 0), 0)).toBe(caseTargets(cases).flat().length);
      // Each attribute once, whatever its n.
      const accs = Object.values(m.perAttribute).map((p) => p!.editAccuracy);
      expect(m.editAccuracyAttributeMean).toBeCloseTo(accs.reduce((a, b) => a + b, 0) / accs.length, 12);
    }
    // A residual fusion with a zero last layer does not edit: identity is fully kept.
    expect(report.methods['default']!.identityKept).toBe(1);
    // Per item: every trait counted once per case, every attribute once per case that did not request it.
    const perItem = report.methods['patent']!.perItem;
    expect(perItem['gender']!.n).toBe(cases.length);
    expect(perItem['skinTone']!.n).toBe(cases.length);
    for (const a of EDITABLE_ATTRIBUTE_NAMES) expect(perItem[a]?.n ?? 0).toBe(cases.filter((c) => !c.edits.some((e) => e.attribute === a)).length);
    const counted = Object.values(perItem).reduce((s, p) => s + p.n, 0);
    expect(Object.values(perItem).reduce((s, p) => s + p.kept * p.n, 0) / counted).toBeCloseTo(report.methods['patent']!.identityKept, 12);
    expect(formatEditorReport(report)).toContain('| interfacegan |');
    expect(formatEditorReport(report)).toContain('| gender |');
    // Delta composite rows: the input plus (edited − reconstruction). A method that does not edit
    // hands back the input itself, so nothing changes from the judge's reading of the input.
    const withDelta = evaluateEditor({ generator: g, encoder, judge, methods: { default: fusionMethod(te, fr), patent: fusionMethod(te, fp) }, cases, faces: 10, texts: 10, seed: 5, batchSize: 4, delta: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(withDelta.methods)).toEqual(['default', 'default +delta', 'patent', 'patent +delta']);
    expect(withDelta.methods['default +delta']!.identityKept).toBe(1);
    expect(withDelta.methods['default +delta']!.identityKeptAll).toBe(1);
    // Localized rows: the delta kept where the edited attributes live; a non-editing method still keeps everything.
    const withLocal = evaluateEditor({ generator: g, encoder, judge, methods: { default: fusionMethod(te, fr), patent: fusionMethod(te, fp) }, cases, faces: 10, texts: 10, seed: 5, batchSize: 4, delta: true, localize: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(withLocal.methods)).toEqual(['default', 'default +delta', 'default +local', 'patent', 'patent +delta', 'patent +local']);
    expect(withLocal.methods['default +local']!.identityKept).toBe(1);
    // Local replace rows: the regenerated face inside the region, the input outside.
    const withReplace = evaluateEditor({ generator: g, encoder, judge, methods: { default: fusionMethod(te, fr) }, cases, faces: 10, texts: 10, seed: 5, batchSize: 4, localReplace: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(withReplace.methods)).toEqual(['default', 'default +local replace']);
    const lr = withReplace.methods['default +local replace']!;
    for (const v of [lr.editAccuracy, lr.identityKept]) expect(v >= 0 && v <= 1).toBe(true);
    expect(Number.isFinite(lr.fdJudge)).toBe(true);
    for (const m of [g, encoder, judge, te, fr, fp]) m.dispose();
  });
});

describe('identityKept', () => {
  // A verdict with every level 0 and every identity trait 0 (only the fields identityKept reads).
  const verdict = (): JudgeVerdict => {
    const levels = Object.fromEntries(EDITABLE_ATTRIBUTE_NAMES.map((a) => [a, 0])) as JudgeVerdict['levels'];
    const identity = Object.fromEntries(IDENTITY_TRAITS.map((t) => [t.name, 0])) as unknown as JudgeVerdict['identity'];
    return { attributes: {} as JudgeVerdict['attributes'], identity, levels, confidence: {} };
  };

  it('counts the unrequested levels and identity traits that read the same; a requested attribute is not counted', () => {
    const ref = verdict();
    const all = identityKept(verdict(), ref, new Set());
    expect(all.kept).toBe(all.items);
    const changed = verdict();
    changed.levels.eyewear = 1;
    expect(identityKept(changed, ref, new Set())).toEqual({ kept: all.items - 1, items: all.items });
    expect(identityKept(changed, ref, new Set(['eyewear']))).toEqual({ kept: all.items - 1, items: all.items - 1 });
    // Continuous traits within the tolerance (0.1) count as kept; beyond it they do not.
    const skin = verdict();
    (skin.identity as unknown as Record<string, number>)['skinTone'] = 0.05;
    expect(identityKept(skin, ref, new Set()).kept).toBe(all.items);
    (skin.identity as unknown as Record<string, number>)['skinTone'] = 0.2;
    expect(identityKept(skin, ref, new Set()).kept).toBe(all.items - 1);
    // Per item: the one that changed is the one counted as lost.
    const items = new Map<string, [number, number]>();
    identityKept(changed, ref, new Set(), items);
    expect(items.get('eyewear')).toEqual([0, 1]);
    expect(items.get('gender')).toEqual([1, 1]);
    expect(items.size).toBe(all.items);
  });
});
