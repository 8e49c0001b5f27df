import * as tf from '@tensorflow/tfjs';
import {
  CELEBA_FOR_LEVEL,
  EDITABLE_ATTRIBUTES,
  commandForEdits,
  meetsCeleba,
  seededRandom,
  type CelebaCondition,
  type Edit,
  type EditableAttributeName,
  type Lang,
} from '@lfe/edit-language';
import { descriptorDistance, type EditOptions, type Editor, type FaceDescriptor } from '@lfe/face-pipeline';
import type { RealFaceDataset } from '@lfe/realface';
import { frechetDistanceFromStats, gaussianStats } from '../judge/frechet';
import type { RealJudge } from '../judge/real-judge';

/** One command the real world can check: an edit whose target level has a CelebA label. */
export interface RealCommand {
  edit: Edit;
  /** `attribute=level`, e.g. `eyewear=glasses`. */
  key: string;
  target: CelebaCondition;
}

/** Every "set" edit whose level CelebA labels, except the absence levels (`none`, `neutral`): "add glasses", not "no glasses". */
export function realCommands(): RealCommand[] {
  const out: RealCommand[] = [];
  for (const a of EDITABLE_ATTRIBUTES) {
    a.levels.forEach((level, i) => {
      const c = CELEBA_FOR_LEVEL[a.name][level];
      if (c === null || c === undefined || level === 'none' || level === 'neutral') return;
      out.push({ edit: { attribute: a.name, op: 'set', level: i, degree: 0.6 }, key: `${a.name}=${level}`, target: c });
    });
  }
  return out;
}

export interface RealEditCase {
  face: number;
  command: RealCommand;
  lang: Lang;
  text: string;
}

/** An edit method other than `Editor.edit` (a baseline): the edited faces of a batch of cases sharing one command. */
export interface RealCustomEdit {
  customEdit: (editor: Editor, x: tf.Tensor4D, c: RealEditCase) => tf.Tensor4D;
}

export interface RealEditorReport {
  world: 'real';
  split: string;
  faces: number;
  cases: number;
  /** Method name (how the product edits) → scores. */
  methods: Record<string, RealMethodReport>;
  identityThreshold: number;
}

export interface RealMethodReport {
  /** Share of cases where the real judge reads the requested level on the edited face. */
  editAccuracy: number;
  /** Per-command edit accuracies averaged with equal weight. */
  editAccuracyAttributeMean: number;
  /** Share of cases whose edited face is within the calibrated descriptor distance of the input. */
  identityKept: number;
  /** Share of (case, command label) pairs not asked for whose judge decision did not change. */
  attributesKept: number;
  /** FD of the edited faces against as many validation faces, and the same for the unedited reconstructions G(E(x)). */
  fdJudge: number;
  fdJudgeReconstruction: number;
  fdFace: number;
  fdFaceReconstruction: number;
  msPerEdit: number;
  perCommand: Record<string, { editAccuracy: number; identityKept: number; n: number }>;
  byLanguage: Partial<Record<Lang, { editAccuracy: number; identityKept: number; n: number }>>;
  /** Edit accuracy of the reconstruction itself on the same cases (targets the inversion alone meets). */
  reconstructionEditAccuracy: number;
}

/** The labels any command can change: "unrequested attributes kept" is measured over these. */
export function commandLabels(commands: readonly RealCommand[]): string[] {
  return [...new Set(commands.flatMap((c) => [...c.target.present, ...c.target.absent]))];
}

/**
 * Cases: for each face, `perFace` commands whose target the judge does not already read on the face,
 * drawn with a seeded RNG, each said in English and in Chinese (paired: the same edit twice).
 */
export function buildRealCases(labelsOf: ReadonlyArray<Record<string, boolean>>, commands: readonly RealCommand[], perFace: number, seed: number): RealEditCase[] {
  const rng = seededRandom(seed);
  const cases: RealEditCase[] = [];
  labelsOf.forEach((labels, face) => {
    const open = commands.filter((c) => !meetsCeleba(c.target, labels));
    for (let k = 0; k < perFace && open.length > 0; k++) {
      const c = open.splice(Math.floor(rng.next() * open.length), 1)[0]!;
      for (const lang of ['en', 'zh'] as const) cases.push({ face, command: c, lang, text: commandForEdits([c.edit], lang) });
    }
  });
  return cases;
}

/**
 * The shipped editor on real faces, end to end as the product runs it (image + command → image,
 * `Editor.edit` with the given options), scored by the real judge and the face descriptor.
 */
export async function evaluateEditorReal(
  editor: Editor,
  judge: RealJudge,
  descriptor: FaceDescriptor,
  identityThreshold: number,
  set: RealFaceDataset,
  opts: { faces: number; perFace?: number; seed?: number; methods: Record<string, EditOptions | RealCustomEdit>; log?: (l: string) => void; split?: 'test' | 'validation' },
): Promise<RealEditorReport> {
  // The test split reports; the validation split is where choices (variants, training settings) are made.
  const splitName = opts.split ?? 'test';
  const split = set.split(splitName);
  const n = Math.min(opts.faces, split.count);
  const batch = split.slice(0, n);
  const x = tf.tensor4d(batch.images, batch.shape);
  const r = set.resolution;
  const px = r * r * 3;
  try {
    const inputVerdicts: ReturnType<RealJudge['judge']> = [];
    forChunks(x, (part) => inputVerdicts.push(...judge.judge(part)));
    const inputDesc = await descriptor.describe(x);
    const commands = realCommands();
    const labelSet = commandLabels(commands);
    const cases = buildRealCases(
      inputVerdicts.map((v) => v.has),
      commands,
      opts.perFace ?? 2,
      opts.seed ?? 1,
    );
    // Reconstructions G(E(x)) (no edit): the realism reference and the "already there" floor.
    const reconParts: tf.Tensor4D[] = [];
    forChunks(x, (part) => reconParts.push(tf.tidy(() => editor.generate(editor.invert(part)))), 50);
    const recon = tf.concat(reconParts) as tf.Tensor4D;
    tf.dispose(reconParts);
    const reconVerdicts: ReturnType<RealJudge['judge']> = [];
    forChunks(recon, (part) => reconVerdicts.push(...judge.judge(part)));
    // The realism reference: as many faces of another split (other people than the edited ones).
    const ref = set.split(splitName === 'test' ? 'validation' : 'train').slice(0, n);
    const refX = tf.tensor4d(ref.images, ref.shape);
    const statsOf = async (imgs: tf.Tensor4D): Promise<{ j: ReturnType<typeof gaussianStats>; f: ReturnType<typeof gaussianStats> }> => {
      const dim = judge.config.featureDim;
      const feats = new Float32Array(imgs.shape[0] * dim);
      forChunks(imgs, (part, start) => {
        const f = judge.features(part);
        feats.set(f.dataSync(), start * dim);
        f.dispose();
      });
      const j = gaussianStats({ rows: imgs.shape[0], cols: dim, data: feats });
      const d = await descriptor.describe(imgs);
      const flat = new Float32Array(d.length * 128);
      d.forEach((v, i) => flat.set(v, i * 128));
      return { j, f: gaussianStats({ rows: d.length, cols: 128, data: flat }) };
    };
    const refStats = await statsOf(refX);
    refX.dispose();
    const reconStats = await statsOf(recon);
    recon.dispose();

    const methods: Record<string, RealMethodReport> = {};
    for (const [name, editOpts] of Object.entries(opts.methods)) {
      const edited = new Float32Array(cases.length * px);
      const byText = new Map<string, number[]>();
      cases.forEach((c, i) => byText.set(c.text, [...(byText.get(c.text) ?? []), i]));
      const t0 = performance.now();
      let done = 0;
      for (const [text, idx] of byText) {
        for (let s = 0; s < idx.length; s += 25) {
          const part = idx.slice(s, s + 25);
          const xs = tf.tidy(() => tf.gather(x, part.map((i) => cases[i]!.face)) as tf.Tensor4D);
          const y = 'customEdit' in editOpts ? editOpts.customEdit(editor, xs, cases[part[0]!]!) : editor.edit(xs, text, editOpts);
          const data = y.dataSync() as Float32Array;
          part.forEach((ci, k) => edited.set(data.subarray(k * px, (k + 1) * px), ci * px));
          xs.dispose();
          y.dispose();
          done += part.length;
        }
        opts.log?.(`${name}: ${done}/${cases.length} edits`);
      }
      const msPerEdit = (performance.now() - t0) / Math.max(1, cases.length);
      const ex = tf.tensor4d(edited, [cases.length, r, r, 3]);
      const verdicts: ReturnType<RealJudge['judge']> = [];
      forChunks(ex, (part) => verdicts.push(...judge.judge(part)));
      const desc = await descriptor.describe(ex);
      const st = await statsOf(ex);
      ex.dispose();
      let ok = 0;
      let idKept = 0;
      let kept = 0;
      let keptN = 0;
      let reconOk = 0;
      const perCommand: RealMethodReport['perCommand'] = {};
      const byLanguage: RealMethodReport['byLanguage'] = {};
      cases.forEach((c, i) => {
        const v = verdicts[i]!;
        const hit = meetsCeleba(c.command.target, v.has);
        const same = descriptorDistance(desc[i]!, inputDesc[c.face]!) < identityThreshold;
        ok += hit ? 1 : 0;
        idKept += same ? 1 : 0;
        reconOk += meetsCeleba(c.command.target, reconVerdicts[c.face]!.has) ? 1 : 0;
        const touched = new Set([...c.command.target.present, ...c.command.target.absent, ...siblings(c.command.edit.attribute)]);
        for (const l of labelSet) {
          if (touched.has(l)) continue;
          keptN++;
          if (v.has[l] === inputVerdicts[c.face]!.has[l]) kept++;
        }
        const pc = (perCommand[c.command.key] ??= { editAccuracy: 0, identityKept: 0, n: 0 });
        pc.editAccuracy += hit ? 1 : 0;
        pc.identityKept += same ? 1 : 0;
        pc.n++;
        const bl = (byLanguage[c.lang] ??= { editAccuracy: 0, identityKept: 0, n: 0 });
        bl.editAccuracy += hit ? 1 : 0;
        bl.identityKept += same ? 1 : 0;
        bl.n++;
      });
      for (const v of [...Object.values(perCommand), ...Object.values(byLanguage)]) {
        v.editAccuracy /= v.n;
        v.identityKept /= v.n;
      }
      const pcs = Object.values(perCommand);
      methods[name] = {
        editAccuracy: ok / cases.length,
        editAccuracyAttributeMean: pcs.reduce((s, v) => s + v.editAccuracy, 0) / pcs.length,
        identityKept: idKept / cases.length,
        attributesKept: kept / Math.max(1, keptN),
        fdJudge: frechetDistanceFromStats(st.j, refStats.j),
        fdJudgeReconstruction: frechetDistanceFromStats(reconStats.j, refStats.j),
        fdFace: frechetDistanceFromStats(st.f, refStats.f),
        fdFaceReconstruction: frechetDistanceFromStats(reconStats.f, refStats.f),
        msPerEdit,
        perCommand,
        byLanguage,
        reconstructionEditAccuracy: reconOk / cases.length,
      };
    }
    return { world: 'real', split: splitName, faces: n, cases: cases.length, methods, identityThreshold };
  } finally {
    x.dispose();
  }
}

/** Run `fn` on slices of at most `size` images (activations of thousands of faces at once would not fit). */
function forChunks(x: tf.Tensor4D, fn: (part: tf.Tensor4D, start: number) => void, size = 200): void {
  for (let i = 0; i < x.shape[0]; i += size) {
    const part = tf.slice(x, [i, 0, 0, 0], [Math.min(size, x.shape[0] - i), -1, -1, -1]) as tf.Tensor4D;
    try {
      fn(part, i);
    } finally {
      part.dispose();
    }
  }
}

/** Labels that move with an attribute's other levels (asking for blond hair may clear Black_Hair). */
function siblings(attribute: EditableAttributeName): string[] {
  const out: string[] = [];
  for (const c of Object.values(CELEBA_FOR_LEVEL[attribute])) if (c !== null) out.push(...c.present, ...c.absent);
  return out;
}

export function formatRealEditorReport(r: RealEditorReport): string {
  const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
  const lines = [
    `real world, ${r.faces} ${r.split} faces, ${r.cases} cases (each command in English and Chinese); identity threshold ${r.identityThreshold.toFixed(3)}`,
    '| method | edit acc. (mean over commands) | identity kept | unrequested kept | FD-judge edited / recon. | FD-face edited / recon. | en / zh edit acc. | ms/edit |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [name, m] of Object.entries(r.methods)) {
    lines.push(
      `| ${name} | ${pct(m.editAccuracyAttributeMean)} | ${pct(m.identityKept)} | ${pct(m.attributesKept)} | ${m.fdJudge.toFixed(2)} / ${m.fdJudgeReconstruction.toFixed(2)} | ${m.fdFace.toFixed(4)} / ${m.fdFaceReconstruction.toFixed(4)} | ${pct(m.byLanguage.en?.editAccuracy ?? Number.NaN)} / ${pct(m.byLanguage.zh?.editAccuracy ?? Number.NaN)} | ${m.msPerEdit.toFixed(0)} |`,
    );
  }
  for (const [name, m] of Object.entries(r.methods)) {
    lines.push('', `${name}, per command:`, '| command | n | edit acc. | identity kept |', '|---|---:|---:|---:|');
    for (const [k, v] of Object.entries(m.perCommand)) lines.push(`| ${k} | ${v.n} | ${pct(v.editAccuracy)} | ${pct(v.identityKept)} |`);
  }
  return lines.join('\n');
}
