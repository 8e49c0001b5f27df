/** The real world of `eval-editor` (imported by eval-editor.ts for `--world real`). */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Editor, FaceDescriptor, type EditOptions } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { evaluateEditorReal, formatRealEditorReport } from '../eval/eval-editor-real';
import { RealJudge } from '../judge/real-judge';

export interface RealEditorArgs {
  editor: string;
  generator: string;
  captioner: string;
  judge: string;
  identity: string;
  data?: string;
  faces: number;
  perFace: number;
  seed: number;
  refineEdit: number;
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
  const methods: Record<string, EditOptions> = {
    [`default${r} (delta, localized: the product)`]: { composite: 'delta', refineEdit: a.refineEdit },
    [`default${r} (replace: the regenerated face)`]: { composite: 'replace', refineEdit: a.refineEdit },
  };
  try {
    const report = await evaluateEditorReal(editor, judge, descriptor, cal.threshold, set, { faces: a.faces, perFace: a.perFace, seed: a.seed, methods, log: (l) => console.error(l) });
    const md = formatRealEditorReport(report);
    console.log(md);
    const meta = { editor: a.editor, generator: a.generator, judge: a.judge, identity: a.identity, command: `npx nx run trainer:eval-editor -- ${process.argv.slice(2).join(' ')}` };
    if (a.out !== undefined) {
      mkdirSync(dirname(a.out), { recursive: true });
      writeFileSync(a.out, `${JSON.stringify({ ...meta, ...report }, null, 2)}\n`);
    }
    if (a.md !== undefined) {
      mkdirSync(dirname(a.md), { recursive: true });
      writeFileSync(a.md, `${md}\n\nCommand: \`${meta.command}\`\n`);
    }
  } finally {
    editor.dispose();
    judge.dispose();
  }
}
