/** The real world of `eval-editor` (imported by eval-editor.ts for `--world real`). */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Editor, FaceDescriptor, loadFraming, type EditOptions } from '@lfe/face-pipeline';
import type { MeasuredDirectionStats } from '../editor/measured-atoms';
import { evaluateMeasuredEditsReal, formatMeasuredEditsReport, type MeasuredEditsReport } from '../eval/eval-measured-real';
import { RealFaceDataset } from '@lfe/realface';
import { evaluateEditorReal, formatRealEditorReport, type RealCustomEdit } from '../eval/eval-editor-real';
import { fitInterFaceGanReal, interFaceGanRealMethod } from '../eval/eval-interfacegan-real';
import { RealJudge } from '../judge/real-judge';

export interface RealEditorArgs {
  editor: string;
  generator: string;
  captioner: string;
  judge: string;
  identity: string;
  data?: string;
  faces: number;
  /** 'test' (the report) or 'validation' (where variants and settings are chosen). */
  split?: 'test' | 'validation';
  perFace: number;
  seed: number;
  refineEdit: number;
  /** Other fusion variants of the bundle, each a row (the product's composite). */
  variants?: string[];
  /** Train faces the InterFaceGAN baseline is fitted on (0: no baseline row). */
  ifgFaces?: number;
  /** `trainer:measured-atoms`' report.json: its train tertiles score "big eyes", "long/short hair" on measured values (no such rows when absent). */
  measured?: string;
  out?: string;
  md?: string;
}

export async function runRealEditorEval(a: RealEditorArgs): Promise<void> {
  const set = await RealFaceDataset.open({ ...(a.data !== undefined ? { data: a.data } : {}), log: (l) => console.error(l) });
  const editor = Editor.load(a.editor, a.generator, a.refineEdit > 0 ? { captioner: a.captioner } : {});
  const judge = RealJudge.load(a.judge);
  const cal = JSON.parse(readFileSync(a.identity, 'utf8')) as { threshold: number; crop: number };
  const descriptor = await FaceDescriptor.load({ crop: cal.crop });
  const r = a.refineEdit > 0 ? ` +refine ${a.refineEdit}` : '';
  // How the product edits: the CLI's and the server's default (delta, localized), and the plain regeneration.
  const methods: Record<string, EditOptions | RealCustomEdit> = {
    [`default${r} (delta, localized: the product)`]: { composite: 'delta', refineEdit: a.refineEdit },
    [`default${r} (replace: the regenerated face)`]: { composite: 'replace', refineEdit: a.refineEdit },
  };
  const others: Editor[] = [];
  for (const v of a.variants ?? []) {
    const other = Editor.load(a.editor, a.generator, { fusion: v, ...(a.refineEdit > 0 ? { captioner: a.captioner } : {}) });
    others.push(other);
    methods[`${v}${r} (delta, localized)`] = { customEdit: (_e, x, c) => other.edit(x, c.text, { composite: 'delta', refineEdit: a.refineEdit }) };
    methods[`${v}${r} (replace)`] = { customEdit: (_e, x, c) => other.edit(x, c.text, { composite: 'replace', refineEdit: a.refineEdit }) };
  }
  let ifg: { samples: number; directions: number } | undefined;
  if ((a.ifgFaces ?? 0) > 0) {
    const dirs = fitInterFaceGanReal(editor, set, { faces: a.ifgFaces!, log: (l) => console.error(l) });
    ifg = { samples: dirs.samples, directions: dirs.directions.size };
    console.error(`interfacegan: ${dirs.directions.size} directions from ${dirs.samples} inverted train faces and their labels`);
    methods[`InterFaceGAN (delta, localized; SVM on ${dirs.samples} inverted train faces' labels)`] = interFaceGanRealMethod(dirs, 'delta');
    methods[`InterFaceGAN (replace; SVM on ${dirs.samples} inverted train faces' labels)`] = interFaceGanRealMethod(dirs);
  }
  try {
    const report = await evaluateEditorReal(editor, judge, descriptor, cal.threshold, set, { faces: a.faces, perFace: a.perFace, seed: a.seed, methods, log: (l) => console.error(l), ...(a.split !== undefined ? { split: a.split } : {}) });
    let measured: MeasuredEditsReport | undefined;
    if (a.measured !== undefined && existsSync(a.measured)) {
      const stats = (JSON.parse(readFileSync(a.measured, 'utf8')) as { stats: MeasuredDirectionStats[] }).stats;
      const tert = (name: string): [number, number] => {
        const t = stats.find((x) => x.attribute === name)?.tertiles;
        if (t === undefined) throw new Error(`${a.measured}: no ${name} tertiles`);
        return t;
      };
      const framing = loadFraming('models/real');
      if (framing === undefined) throw new Error('models/real/framing.json is missing');
      measured = await evaluateMeasuredEditsReal(editor, descriptor, cal.threshold, set, {
        faces: a.faces,
        seed: a.seed,
        framing,
        tertiles: { eyeSize: tert('eyeSize'), hairLength: tert('hairLength') },
        methods,
        log: (l) => console.error(l),
        ...(a.split !== undefined ? { split: a.split } : {}),
      });
    }
    const md = formatRealEditorReport(report) + (measured !== undefined ? `\n\n${formatMeasuredEditsReport(measured)}` : '');
    console.log(md);
    const meta = { editor: a.editor, generator: a.generator, judge: a.judge, identity: a.identity, ...(ifg !== undefined ? { interfacegan: ifg } : {}), command: `npx nx run trainer:eval-editor -- ${process.argv.slice(2).join(' ')}` };
    if (a.out !== undefined) {
      mkdirSync(dirname(a.out), { recursive: true });
      writeFileSync(a.out, `${JSON.stringify({ ...meta, ...report, ...(measured !== undefined ? { measured } : {}) }, null, 2)}\n`);
    }
    if (a.md !== undefined) {
      mkdirSync(dirname(a.md), { recursive: true });
      writeFileSync(a.md, `${md}\n\nCommand: \`${meta.command}\`\n`);
    }
  } finally {
    for (const o of others) o.dispose();
    editor.dispose();
    judge.dispose();
  }
}
