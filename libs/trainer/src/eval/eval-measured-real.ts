import * as tf from '@tensorflow/tfjs';
import { EDITABLE_ATTRIBUTES, commandForEdits, seededRandom, type Edit, type Lang } from '@lfe/edit-language';
import { descriptorDistance, type EditOptions, type Editor, type FaceDescriptor, type FaceTemplate } from '@lfe/face-pipeline';
import type { RealFaceDataset } from '@lfe/realface';
import { measureFaces as measure } from '../realface/measures';
import type { RealCommand, RealCustomEdit, RealEditCase } from './eval-editor-real';

/** A command on an attribute CelebA never labelled, checked by its measured value. */
export interface MeasuredCommand {
  edit: Edit;
  key: string;
  attribute: 'eyeSize' | 'hairLength';
  /** Success: the edited face's measure in the top (big, long) or bottom (short) tertile of the train faces'. */
  side: 'top' | 'bottom';
}

export function measuredCommands(): MeasuredCommand[] {
  const make = (attribute: 'eyeSize' | 'hairLength', level: number, side: 'top' | 'bottom'): MeasuredCommand => {
    const spec = EDITABLE_ATTRIBUTES.find((s) => s.name === attribute)!;
    return { edit: { attribute, op: 'set', level, degree: 0.6 }, key: `${attribute}=${spec.levels[level]}`, attribute, side };
  };
  return [make('eyeSize', 2, 'top'), make('hairLength', 2, 'top'), make('hairLength', 0, 'bottom')];
}

export interface MeasuredMethodReport {
  perCommand: Record<string, { editAccuracy: number; identityKept: number; meanShift: number; n: number }>;
  /** Edit accuracy averaged over the commands with equal weight. */
  editAccuracyCommandMean: number;
}

export interface MeasuredEditsReport {
  faces: number;
  cases: number;
  tertiles: Record<'eyeSize' | 'hairLength', [number, number]>;
  /** Share of cases the reconstruction G(E(x)) alone already puts on the target side. */
  reconstructionEditAccuracy: Record<string, number>;
  methods: Record<string, MeasuredMethodReport>;
}

/**
 * The commands CelebA cannot check ("big eyes", "long hair", "short hair": the method's own
 * example), on real test faces, each scored by its measured value against the tertiles of the train
 * faces' (the bounds `trainer:measured-atoms` reports): for each face one command whose target side it
 * is not already on, said in English and Chinese. Identity as in `evaluateEditorReal`.
 */
export async function evaluateMeasuredEditsReal(
  editor: Editor,
  descriptor: FaceDescriptor,
  identityThreshold: number,
  set: RealFaceDataset,
  opts: {
    faces: number;
    seed?: number;
    framing: FaceTemplate;
    tertiles: Record<'eyeSize' | 'hairLength', [number, number]>;
    methods: Record<string, EditOptions | RealCustomEdit>;
    log?: (l: string) => void;
    split?: 'test' | 'validation';
  },
): Promise<MeasuredEditsReport> {
  const split = set.split(opts.split ?? 'test');
  const n = Math.min(opts.faces, split.count);
  const batch = split.slice(0, n);
  const x = tf.tensor4d(batch.images, batch.shape);
  const r = set.resolution;
  const px = r * r * 3;
  const onSide = (c: MeasuredCommand, v: number): boolean => (c.side === 'top' ? v >= opts.tertiles[c.attribute][1] : v < opts.tertiles[c.attribute][0]);
  try {
    const input = await measure(x, opts.framing);
    const inputDesc = await descriptor.describe(x);
    const commands = measuredCommands();
    const rng = seededRandom(opts.seed ?? 1);
    const cases: Array<{ face: number; command: MeasuredCommand; lang: Lang; text: string }> = [];
    for (let face = 0; face < n; face++) {
      const open = commands.filter((c) => !onSide(c, input[c.attribute][face]!));
      if (open.length === 0) continue;
      const c = open[Math.floor(rng.next() * open.length)]!;
      for (const lang of ['en', 'zh'] as const) cases.push({ face, command: c, lang, text: commandForEdits([c.edit], lang) });
    }
    const recon = tf.tidy(() => editor.generate(editor.invert(x)));
    const reconM = await measure(recon, opts.framing);
    recon.dispose();
    const reconstructionEditAccuracy: Record<string, number> = {};
    for (const c of commands) {
      const mine = cases.filter((k) => k.command.key === c.key);
      reconstructionEditAccuracy[c.key] = mine.filter((k) => onSide(c, reconM[c.attribute][k.face]!)).length / Math.max(1, mine.length);
    }
    const methods: Record<string, MeasuredMethodReport> = {};
    for (const [name, m] of Object.entries(opts.methods)) {
      const edited = new Float32Array(cases.length * px);
      const byText = new Map<string, number[]>();
      cases.forEach((c, i) => byText.set(c.text, [...(byText.get(c.text) ?? []), i]));
      for (const [text, idx] of byText) {
        for (let s = 0; s < idx.length; s += 25) {
          const part = idx.slice(s, s + 25);
          const xs = tf.tidy(() => tf.gather(x, part.map((i) => cases[i]!.face)) as tf.Tensor4D);
          const first = cases[part[0]!]!;
          // A custom method reads the case as a RealEditCase: its command's edit is what it applies.
          const asReal: RealEditCase = { face: first.face, lang: first.lang, text, command: { edit: first.command.edit, key: first.command.key, target: { present: [], absent: [] } } satisfies RealCommand };
          const y = 'customEdit' in m ? m.customEdit(editor, xs, asReal) : editor.edit(xs, text, m);
          const data = y.dataSync() as Float32Array;
          part.forEach((ci, k) => edited.set(data.subarray(k * px, (k + 1) * px), ci * px));
          tf.dispose([xs, y]);
        }
      }
      const ex = tf.tensor4d(edited, [cases.length, r, r, 3]);
      const em = await measure(ex, opts.framing);
      const desc = await descriptor.describe(ex);
      ex.dispose();
      const perCommand: MeasuredMethodReport['perCommand'] = {};
      cases.forEach((c, i) => {
        const pc = (perCommand[c.command.key] ??= { editAccuracy: 0, identityKept: 0, meanShift: 0, n: 0 });
        const v = em[c.command.attribute][i]!;
        pc.editAccuracy += onSide(c.command, v) ? 1 : 0;
        pc.identityKept += descriptorDistance(desc[i]!, inputDesc[c.face]!) < identityThreshold ? 1 : 0;
        pc.meanShift += v - input[c.command.attribute][c.face]!;
        pc.n++;
      });
      for (const v of Object.values(perCommand)) {
        v.editAccuracy /= v.n;
        v.identityKept /= v.n;
        v.meanShift /= v.n;
      }
      const pcs = Object.values(perCommand);
      methods[name] = { perCommand, editAccuracyCommandMean: pcs.reduce((s, v) => s + v.editAccuracy, 0) / Math.max(1, pcs.length) };
      opts.log?.(`${name}: ${cases.length} measured edits scored`);
    }
    return { faces: n, cases: cases.length, tertiles: opts.tertiles, reconstructionEditAccuracy, methods };
  } finally {
    x.dispose();
  }
}

export function formatMeasuredEditsReport(r: MeasuredEditsReport): string {
  const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
  const keys = Object.keys(r.reconstructionEditAccuracy);
  const lines = [
    `measured commands (no CelebA label: eye opening from landmarks, hair-length proxy), ${r.faces} test faces, ${r.cases} cases (English and Chinese); success = the edited face's measure in the target tertile of the train faces'`,
    `| method | mean | ${keys.map((k) => `${k} acc. / identity / shift`).join(' | ')} |`,
    `|---|---:|${keys.map(() => '---:').join('|')}|`,
    `| reconstruction alone | – | ${keys.map((k) => `${pct(r.reconstructionEditAccuracy[k]!)} / – / –`).join(' | ')} |`,
  ];
  for (const [name, m] of Object.entries(r.methods)) {
    lines.push(`| ${name} | ${pct(m.editAccuracyCommandMean)} | ${keys.map((k) => {
      const v = m.perCommand[k];
      return v === undefined ? '–' : `${pct(v.editAccuracy)} / ${pct(v.identityKept)} / ${v.meanShift >= 0 ? '+' : ''}${v.meanShift.toFixed(3)}`;
    }).join(' | ')} |`);
  }
  return lines.join('\n');
}
