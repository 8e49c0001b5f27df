/**
 * Edit the face in a video file with the live pipeline.
 *   npx nx run face-pipeline:edit-video -- --in clip.mp4 --text "blond hair" --out out.mp4
 *   npx nx run face-pipeline:edit-video -- --in clip.mp4 --at 0s "add glasses" --at 3s "smile" --out out.mp4
 */
import { CommandError, UnsupportedEditError } from '@lfe/edit-language';
import { CheckpointError } from '../checkpoint/errors';
import { DEFAULT_MODEL, MODEL_ENV, MissingModelError, UnknownModelError, modelLevels, parseForModel, resolveModel, selectModel } from '../models/models';
import { initRuntime } from '../runtime/init-runtime';
import { type ScheduledCommand, VideoInputError, editVideo, parseTime } from '../video/video-edit';

const USAGE = `usage: npx nx run face-pipeline:edit-video -- --in VIDEO --out OUT (--text "COMMAND" | --at TIME "COMMAND" …) [options]

Edits the face in a video with the live pipeline (tracking, the model, temporal smoothing, the fade
between commands), keeping the frame size, the frame rate and the audio. OUT: .mp4, .mov or .mkv
(H.264 + AAC) or .webm (VP8 + Opus).

  --text "COMMAND"      the edit for the whole video
  --at TIME "COMMAND"   from TIME on (3s, 1.5s, 250ms, 1:05), show COMMAND; repeatable; "none" ends the edit
  --strength S          edit strength 0…3 (default 1)
  --model-every N       run the model every N frames, re-paste between (default 2, as live)
  --composite MODE      delta (default) | replace | local-replace
  --model NAME          synthetic (models/default) | real (models/real): the model's editor and
                        generator, and what it can do (default ${DEFAULT_MODEL}; env ${MODEL_ENV}); the
                        real model refuses edits outside CelebA's labels + eye size + hair length
                        (e.g. "red hair") with exit code 2
  --editor DIR          default the model's editor/ (overrides --model's)
  --generator DIR       default the model's generator/
  --fusion NAME         residual | patent (default: the bundle's)
  --quiet               no progress bar
  --help

Exit codes: 0 written; 2 usage, or an edit the model cannot do (--model real: "red hair"); 3 input unreadable or not a video; 5 a command the model cannot carry
out; 1 anything else. Nothing is written on failure.`;

function fail(msg: string, code: number): never {
  console.error(`edit-video: ${msg}`);
  process.exit(code);
}

// `--at TIME COMMAND` takes two values, which node's parseArgs cannot express: read argv by hand.
const argv = process.argv.slice(2);
const opts: Record<string, string> = {};
const flags = new Set<string>();
const schedule: ScheduledCommand[] = [];
const VALUED = new Set(['in', 'out', 'text', 'strength', 'model-every', 'composite', 'model', 'editor', 'generator', 'fusion']);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  }
  if (a === '--quiet') {
    flags.add('quiet');
    continue;
  }
  if (a === '--at') {
    const t = argv[i + 1];
    const c = argv[i + 2];
    if (t === undefined || c === undefined) fail(`--at needs a time and a command, e.g. --at 3s "smile"\n\n${USAGE}`, 2);
    try {
      schedule.push({ atMs: parseTime(t), command: c.trim().toLowerCase() === 'none' || c.trim() === '' ? null : c });
    } catch (e) {
      fail((e as Error).message, 2);
    }
    i += 2;
    continue;
  }
  const m = /^--([a-z-]+)$/.exec(a);
  if (!m || !VALUED.has(m[1]!)) fail(`unknown option ${a}\n\n${USAGE}`, 2);
  const v = argv[i + 1];
  if (v === undefined) fail(`${a} needs a value`, 2);
  opts[m[1]!] = v;
  i++;
}
if (opts['in'] === undefined || opts['out'] === undefined) fail(`--in and --out are required\n\n${USAGE}`, 2);
if (opts['text'] !== undefined) schedule.unshift({ atMs: 0, command: opts['text'] });
if (schedule.length === 0) fail(`give --text "COMMAND" or --at TIME "COMMAND"\n\n${USAGE}`, 2);
const strength = Number(opts['strength'] ?? '1');
if (!Number.isFinite(strength) || strength < 0 || strength > 3) fail(`--strength must be a number in 0…3, got "${opts['strength']}"`, 2);
const modelEvery = Number(opts['model-every'] ?? '2');
if (!Number.isInteger(modelEvery) || modelEvery < 1 || modelEvery > 30) fail(`--model-every must be an integer in 1…30, got "${opts['model-every']}"`, 2);
const composite = opts['composite'] ?? 'delta';
if (composite !== 'delta' && composite !== 'replace' && composite !== 'local-replace') fail(`--composite must be delta, replace or local-replace, got "${composite}"`, 2);
let model: ReturnType<typeof resolveModel>;
try {
  const name = selectModel(opts['model']);
  // What the model can do is checked at the parse step, before the video or a model is read.
  for (const s of schedule) {
    try {
      if (s.command !== null) parseForModel(s.command, modelLevels(name));
    } catch (e) {
      if (e instanceof UnsupportedEditError) fail(e.message, 2);
      if (!(e instanceof CommandError)) throw e; // other command errors: exit 5, below
    }
  }
  model = resolveModel(name, { editor: opts['editor'], generator: opts['generator'] });
} catch (e) {
  if (e instanceof UnknownModelError) fail(`${e.message}\n\n${USAGE}`, 2);
  if (e instanceof MissingModelError) fail(e.message, 1);
  throw e;
}

await initRuntime();
const quiet = flags.has('quiet') || !process.stderr.isTTY;
let lastDraw = 0;
try {
  const s = await editVideo({
    input: opts['in'],
    output: opts['out'],
    schedule,
    editorDir: model!.editor,
    generatorDir: model!.generator,
    ...(model!.levels !== undefined ? { levels: model!.levels } : {}),
    ...(opts['fusion'] !== undefined ? { fusion: opts['fusion'] } : {}),
    strength,
    composite,
    modelEvery,
    onProgress: (p) => {
      const now = performance.now();
      if (quiet || (now - lastDraw < 200 && p.frame < p.frames)) return;
      lastDraw = now;
      const width = 30;
      const done = Math.round((width * p.frame) / p.frames);
      process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${p.frame}/${p.frames} frames · ${p.fps.toFixed(1)} fps · ETA ${Math.ceil(p.etaS)} s   `);
    },
  });
  if (!quiet) process.stderr.write('\n');
  console.error(
    `edit-video: ${s.frames} frames (${s.info.width}×${s.info.height} at ${s.info.fps} fps${s.info.hasAudio ? ', audio kept' : ', no audio'}) in ${s.seconds.toFixed(1)} s = ${s.fps.toFixed(1)} fps; ${s.editedFrames} edited, ${s.facelessFrames} without a face; wrote ${opts['out']}`,
  );
} catch (e) {
  if (!quiet) process.stderr.write('\n');
  if (e instanceof CommandError) fail(e.message, 5);
  if (e instanceof VideoInputError) fail(e.message, 3);
  if (e instanceof CheckpointError || e instanceof TypeError) fail(e.message, 1);
  throw e;
}
