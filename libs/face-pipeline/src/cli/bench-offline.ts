/**
 * Speed of the offline scenarios (issue 25), each against a baseline measured in the same run.
 *   npx nx run face-pipeline:bench-offline -- [--photo 1280x960] [--video 640x480] [--seconds 4] [--runs 5] [--json out.json]
 *
 * photo: a photo of the given size with one real test face (../shared/realface, 256-px test face
 *   scaled to a quarter of the height), warm models; baseline = decode + encode of the same photo
 *   (what any photo tool pays); then the full edit (detect, live path, encode) with edit refinement
 *   0 and 10 steps. Median of --runs.
 * video: a clip of that size with the same face at 30 fps and a tone; baseline = ffmpeg decoding and
 *   re-encoding it with the same settings (no editing); then edit-video's pipeline. Frames/s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage, encodeImage } from '../photo/image-io';
import { DEFAULT_MODEL, MODEL_ENV, resolveModel, selectModel } from '../models/models';
import { PhotoEditor } from '../photo/photo-editor';
import { findFfmpeg } from '../runtime/host-tools';
import { initRuntime } from '../runtime/init-runtime';
import { composePhoto } from '../testing/real-photo';
import { editVideo } from '../video/video-edit';

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    photo: { type: 'string', default: '1280x960' },
    video: { type: 'string', default: '640x480' },
    seconds: { type: 'string', default: '4' },
    runs: { type: 'string', default: '5' },
    model: { type: 'string' },
    editor: { type: 'string' },
    generator: { type: 'string' },
    captioner: { type: 'string' },
    json: { type: 'string' },
  },
});
if (values.help) {
  console.log(
    [
      'usage: npx nx run face-pipeline:bench-offline -- [--photo 1280x960] [--video 640x480] [--seconds 4] [--runs 5] [--json out.json]',
      `  --model NAME      synthetic (models/default) | real (models/real) (default ${DEFAULT_MODEL}; env ${MODEL_ENV})`,
      "  --editor DIR --generator DIR --captioner DIR   override the model's folders",
    ].join('\n'),
  );
  process.exit(0);
}
let model: ReturnType<typeof resolveModel>;
try {
  model = resolveModel(selectModel(values.model), { editor: values.editor, generator: values.generator, captioner: values.captioner, need: ['editor', 'generator', 'captioner'] });
} catch (e) {
  console.error(`bench-offline: ${(e as Error).message}`);
  process.exit(e instanceof RangeError ? 2 : 1);
}
const size = (s: string): [number, number] => {
  const m = /^(\d+)x(\d+)$/.exec(s);
  if (!m) throw new RangeError(`want WxH, got "${s}"`);
  return [Number(m[1]), Number(m[2])];
};
const [PW, PH] = size(values.photo);
const [VW, VH] = size(values.video);
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await initRuntime();
const dir = mkdtempSync(join(tmpdir(), 'bench-offline-'));
const rows: Array<{ scenario: string; variant: string; value: number; unit: string }> = [];
try {
  // ---- photo
  const faceSize = Math.round(PH / 4);
  const photo = await composePhoto(PW, PH, [{ n: 28506, x: Math.round(PW / 2 - faceSize / 2), y: Math.round(PH / 3 - faceSize / 2), size: faceSize }]);
  const jpeg = encodeImage(photo, 'jpeg');
  const base: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    encodeImage(await decodeImage(jpeg, 'photo.jpg'), 'jpeg');
    base.push(performance.now() - t);
  }
  rows.push({ scenario: `photo ${PW}×${PH}, 1 face`, variant: 'baseline: decode + encode', value: median(base), unit: 'ms' });
  for (const refineEdit of [0, 10]) {
    const ed = await PhotoEditor.load({ editorDir: model.editor, generatorDir: model.generator, captioner: model.captioner, refineEdit, ...(model.levels !== undefined ? { levels: model.levels } : {}) });
    try {
      await ed.edit(await decodeImage(jpeg, 'photo.jpg'), 'add glasses'); // warm
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const r = await ed.edit(await decodeImage(jpeg, 'photo.jpg'), 'add glasses');
        encodeImage(r.image, 'jpeg');
        ms.push(performance.now() - t);
        if (r.faces[0]?.edited !== true) throw new Error('bench: the face was not edited');
      }
      rows.push({ scenario: `photo ${PW}×${PH}, 1 face`, variant: `edit "add glasses", refine-edit ${refineEdit}`, value: median(ms), unit: 'ms' });
    } finally {
      ed.dispose();
    }
  }
  // ---- video
  const ffmpeg = findFfmpeg().path!;
  const vface = Math.round(VH / 2.5);
  writeFileSync(join(dir, 'still.png'), encodeImage(await composePhoto(VW, VH, [{ n: 28506, x: Math.round(VW / 2 - vface / 2), y: Math.round(VH / 2.2 - vface / 2), size: vface }]), 'png'));
  const clip = join(dir, 'clip.mp4');
  const mk = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', join(dir, 'still.png'), '-f', 'lavfi', '-i', 'sine=f=440:r=48000', '-t', String(seconds), '-r', '30', '-vf', 'noise=alls=6:allf=t', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip]);
  if (mk.status !== 0) throw new Error(`ffmpeg: ${mk.stderr.toString()}`);
  const frames = seconds * 30;
  let t = performance.now();
  const pass = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', clip, '-map', '0:v:0', '-map', '0:a?', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac', join(dir, 'pass.mp4')]);
  if (pass.status !== 0) throw new Error(`ffmpeg: ${pass.stderr.toString()}`);
  rows.push({ scenario: `video ${VW}×${VH} at 30 fps, ${seconds} s`, variant: 'baseline: ffmpeg decode + encode', value: frames / ((performance.now() - t) / 1000), unit: 'fps' });
  for (const modelEvery of [2, 1]) {
    t = performance.now();
    const s = await editVideo({ input: clip, output: join(dir, `out${modelEvery}.mp4`), schedule: [{ atMs: 0, command: 'add glasses' }], editorDir: model.editor, generatorDir: model.generator, modelEvery });
    rows.push({ scenario: `video ${VW}×${VH} at 30 fps, ${seconds} s`, variant: `edit-video, model every ${modelEvery} (${s.editedFrames}/${s.frames} edited)`, value: s.frames / ((performance.now() - t) / 1000), unit: 'fps' });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const w = Math.max(...rows.map((r) => r.scenario.length));
const v = Math.max(...rows.map((r) => r.variant.length));
console.log(`\n${'scenario'.padEnd(w)}  ${'variant'.padEnd(v)}  value`);
for (const r of rows) console.log(`${r.scenario.padEnd(w)}  ${r.variant.padEnd(v)}  ${r.value.toFixed(r.unit === 'ms' ? 0 : 1)} ${r.unit}`);
const report = { date: new Date().toISOString(), model: model.name, cpus: cpus().length, cpu: cpus()[0]?.model, runs, rows };
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);

