/** `nx run tools:eval-live`: the usage and options are in USAGE below (printed by `--help`). */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { UnsupportedEditError, applyEdits, levelOf, type EditableAttributeName } from '@lfe/edit-language';
import {
  DEFAULT_MODEL,
  Editor,
  LiveFaceEditor,
  LocalFaceModel,
  MODEL_ENV,
  MissingModelError,
  UnknownModelError,
  alignmentFromLandmarks,
  cropAligned,
  initRuntime,
  modelLevels,
  parseForModel,
  resolveModel,
  selectModel,
  type FaceModel,
  type ModelJob,
  type ModelOutput,
} from '@lfe/face-pipeline';
import { TestClip, faceLandmarks, hashInts, sample } from '@lfe/face-synth';
import { Judge, encodePng, identityKept, imageGrid, type JudgeVerdict } from '@lfe/trainer';
import { table } from '../bench/timing';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run tools:eval-live -- [options]",
  "",
  "Live edit accuracy: the bundled editor in the live loop (LiveFaceEditor: tracking, alignment,",
  "inversion, fusion, smoothing, paste-back) on moving test clips of several faces, read back by the",
  "judge at each frame's ground-truth face position — the same check the browser E2E makes on the",
  "page's video, without the browser, for several commands and faces.",
  "  npx nx run tools:eval-live -- [--faces 6] [--frames 24] [--edits \"add glasses;long hair;…\"] [--composite delta|replace|local-replace] [--strength 1] [--schedule inline|async] [--lag 7] [--refine-edit 0] [--json out.json] [--png sheet.png]",
  "--refine-edit N: the live loop's per-person edit refinement (LiveEditOptions.refineEdit, with the",
  "bundled captioner --captioner).",
  `--model synthetic|real: the model whose editor, generator and captioner run (default ${DEFAULT_MODEL};`,
  `env ${MODEL_ENV}); --editor / --generator / --captioner override its folders. The judge stays the`,
  "synthetic world's (--judge, default models/judge), as the clips are face-synth renders. With --model",
  "real, a command the real model cannot do (outside CelebA's labels + eye size + hair length, e.g.",
  "\"red hair\") is refused before anything runs (exit code 2).",
  "--schedule async: the server's async schedule with the model's latency replayed deterministically:",
  "each generated face arrives `--lag` frames after the frame it was made from (the live bench",
  "measures the real age; ~7 frames at 30 fps on this machine) and is pasted, tracked, until then.",
  "--png: per command and face, the judge's crop of the last untouched and edited frame, side by side.",
  "Per command: faces whose clip does not already show the requested level (first frames skipped",
  "for the edit's fade-in), the share of edited frames the judge reads at the requested level, and",
  "the same share on the untouched frames (the floor); and identity kept: of everything the command",
  "did not ask for (other attributes' levels, identity traits), the share the judge reads the same",
  "on the edited frame as on the untouched one (`identityKept`, as in the editor report).",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    faces: { type: 'string', default: '6' },
    frames: { type: 'string', default: '24' },
    // `--edits` (not `--commands`, which `nx run` takes as its own option); `--commands` still works without nx.
    edits: { type: 'string' },
    commands: { type: 'string' },
    model: { type: 'string' },
    editor: { type: 'string' },
    generator: { type: 'string' },
    judge: { type: 'string', default: '../models/judge' },
    json: { type: 'string' },
    png: { type: 'string' },
    composite: { type: 'string', default: 'delta' },
    strength: { type: 'string', default: '1' },
    schedule: { type: 'string', default: 'inline' },
    lag: { type: 'string', default: '7' },
    'refine-edit': { type: 'string', default: '0' },
    captioner: { type: 'string' },
  },
});
const DEFAULT_EDITS = 'add glasses;long hair;give her a beard;blond hair;big eyes;a smile;wear a hat';
const texts = (values.edits ?? values.commands ?? DEFAULT_EDITS).split(';').map((s) => s.trim()).filter((s) => s !== '');
let model: ReturnType<typeof resolveModel>;
try {
  const name = selectModel(values.model);
  // What the model can do is checked at the parse step, before anything is loaded.
  for (const text of texts) parseForModel(text, modelLevels(name));
  model = resolveModel(name, {
    editor: values.editor,
    generator: values.generator,
    captioner: values.captioner,
    need: Number(values['refine-edit']) > 0 ? ['editor', 'generator', 'captioner'] : ['editor', 'generator'],
  });
} catch (e) {
  if (!(e instanceof UnknownModelError || e instanceof UnsupportedEditError || e instanceof MissingModelError)) throw e;
  console.error(`eval-live: ${e.message}`);
  process.exit(e instanceof MissingModelError ? 1 : 2);
}
const schedule = values.schedule;
const lag = Number(values.lag);
if ((schedule !== 'inline' && schedule !== 'async') || !Number.isInteger(lag) || lag < 0 || lag > 60) {
  console.error('eval-live: --schedule inline|async, --lag an integer in 0…60');
  process.exit(2);
}

/** A `FaceModel` whose results arrive `lag` frames (calls of `tick`) after they were asked for. */
class LaggedFaceModel implements FaceModel {
  readonly #inner: LocalFaceModel;
  readonly #held: Array<{ due: number; resolve: () => void }> = [];
  #frame = 0;
  constructor(inner: LocalFaceModel) {
    this.#inner = inner;
  }
  get resolution(): number {
    return this.#inner.resolution;
  }
  get composite(): 'delta' | 'replace' {
    return this.#inner.composite;
  }
  async run(jobs: readonly ModelJob[]): Promise<ModelOutput> {
    const out = this.#inner.runSync(jobs);
    await new Promise<void>((resolve) => this.#held.push({ due: this.#frame + lag, resolve }));
    return out;
  }
  /** One frame went by. */
  tick(): void {
    this.#frame++;
    while (this.#held.length > 0 && this.#held[0]!.due <= this.#frame) this.#held.shift()!.resolve();
  }
  endSession(id: string): void {
    this.#inner.endSession(id);
  }
  dispose(): void {
    this.#inner.dispose();
  }
}
const faces = Number(values.faces);
const composite = values.composite;
const strength = Number(values.strength);
if (!Number.isFinite(strength) || strength < 0 || strength > 4) {
  console.error('eval-live: --strength must be a number in 0…4');
  process.exit(2);
}
if (composite !== 'delta' && composite !== 'replace' && composite !== 'local-replace') {
  console.error('eval-live: --composite delta|replace|local-replace');
  process.exit(2);
}
const frames = Number(values.frames);
if (!Number.isInteger(faces) || faces < 1 || !Number.isInteger(frames) || frames < 12 + (schedule === 'async' ? lag : 0)) {
  console.error('eval-live: --faces ≥ 1 and --frames ≥ 12 (+ --lag with --schedule async) (integers)');
  process.exit(2);
}
const rt = await initRuntime();
const refineEdit = Number(values['refine-edit']);
if (!Number.isInteger(refineEdit) || refineEdit < 0 || refineEdit > 1000) {
  console.error('eval-live: --refine-edit wants an integer in 0…1000');
  process.exit(2);
}
const editor = Editor.load(model.editor, model.generator, refineEdit > 0 ? { captioner: model.captioner } : {});
const judge = Judge.load(values.judge);
const W = 640;
const H = 480;
// Frames of the fade-in (250 ms at 30 fps) and the tracker's first detections; async: and the lag.
const SKIP = 10 + (schedule === 'async' ? lag : 0);
const r = judge.config.resolution;
const sheet: Uint8Array[] = [];
const toBytes = (crop: Float32Array): Uint8Array => Uint8Array.from(crop, (v) => Math.max(0, Math.min(255, Math.round((v + 1) * 127.5))));
const rows: Array<{ command: string; faces: number; frames: number; edited: number; untouched: number; identityKept: number }> = [];
const t0 = performance.now();
for (const text of texts) {
  const cmd = parseForModel(text, model.levels);
  if (cmd.kind !== 'edit') throw new Error(`eval-live: "${text}" is not an edit`);
  let hit = 0;
  let floor = 0;
  let judged = 0;
  const kept = [0, 0];
  let used = 0;
  for (let k = 0; used < faces && k < faces * 20; k++) {
    const face = sample(hashInts(4242, k));
    const target = applyEdits(face.attributes, cmd.edits);
    const wanted = cmd.edits.map((e) => ({ a: e.attribute as EditableAttributeName, level: levelOf(e.attribute, target[e.attribute]) }));
    if (wanted.every((x) => levelOf(x.a, face.attributes[x.a]) === x.level)) continue; // already so
    used++;
    const clip = new TestClip(face, { width: W, height: H, fps: 30 });
    const lagged = schedule === 'async' ? new LaggedFaceModel(new LocalFaceModel(editor, { composite: composite === 'local-replace' ? 'replace' : composite, refineEdit })) : null;
    const live = new LiveFaceEditor(lagged ?? editor, { detectEvery: 5, composite, schedule, refineEdit });
    const requested = new Set(wanted.map((x) => x.a));
    const readAt = (img: { width: number; height: number; data: Uint8Array }, i: number): JudgeVerdict => {
      const st = clip.stateAt(i);
      const lm = faceLandmarks(face, st.placement, st.nuisance);
      const crop = cropAligned(img, alignmentFromLandmarks(lm.leftEye, lm.rightEye, lm.mouth), r);
      if (i === frames - 1) sheet.push(toBytes(crop));
      const x = tf.tensor4d(crop, [1, r, r, 3]);
      const v = judge.judge(x)[0]!;
      x.dispose();
      return v;
    };
    const asked = (v: JudgeVerdict): boolean => wanted.every((w) => v.levels[w.a] === w.level);
    for (let i = 0; i < frames; i++) {
      const f = clip.frame(i);
      const original = { width: W, height: H, data: Uint8Array.from(f.data) };
      const edited = { width: W, height: H, data: Uint8Array.from(f.data) };
      await live.process('s', edited, i * 33.3, text, strength);
      lagged?.tick();
      if (i < SKIP) continue;
      judged++;
      const vo = readAt(original, i);
      const ve = readAt(edited, i);
      if (asked(vo)) floor++;
      if (asked(ve)) hit++;
      // Identity kept: everything not asked for reads the same on the edited frame as on the camera's.
      const k = identityKept(ve, vo, requested);
      kept[0]! += k.kept;
      kept[1]! += k.items;
    }
    live.dispose();
  }
  rows.push({ command: text, faces: used, frames: judged, edited: hit / Math.max(1, judged), untouched: floor / Math.max(1, judged), identityKept: kept[0]! / Math.max(1, kept[1]!) });
  console.error(`${text}: ${hit}/${judged} edited frames read as asked (untouched ${floor}/${judged})`);
}
console.log(`live edit accuracy (${rt.backend}; composite ${composite}, strength ${strength}, edit refinement ${refineEdit} steps, schedule ${schedule === 'async' ? `async, faces ${lag} frames late` : 'inline'}; ${faces} faces × ${frames - SKIP} judged frames per command, ${W}×${H} clips, first ${SKIP} frames skipped; ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
console.log(table(['command', 'faces', 'judged frames', 'edited frames read as asked', 'untouched frames (floor)', 'identity kept'], rows.map((x) => [x.command, String(x.faces), String(x.frames), pct(x.edited), pct(x.untouched), pct(x.identityKept)])));
if (values.png !== undefined && sheet.length > 0) {
  const cols = 2 * faces;
  const grid = imageGrid(Uint8Array.from(sheet.flatMap((b) => Array.from(b))), sheet.length, r, cols);
  writeFileSync(values.png, encodePng(grid.rgb, grid.width, grid.height));
}
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify({ backend: rt.backend, model: model.name, composite, strength, refineEdit, schedule, ...(schedule === 'async' ? { lag } : {}), faces, frames, skip: SKIP, rows }, null, 2)}\n`);
editor.dispose();
judge.dispose();
