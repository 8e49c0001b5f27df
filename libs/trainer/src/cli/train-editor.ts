/** `nx run trainer:train-editor`: the usage and options are in USAGE below (printed by `--help`). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { SCHEMA_VERSION, VOCABULARY_FINGERPRINT } from '@lfe/edit-language';
import { Captioner, initRuntime, loadEncoder, loadGenerator, readEditorInfo, saveFusion, saveTextEncoder, writeEditorInfo, type Provenance } from '@lfe/face-pipeline';
import { EditorTrainer, resolveEditorTrainConfig, type EditorStepStats, type EditorTrainConfig } from '../editor/editor-trainer';
import { FolderPairSource, editPair, type PairSource } from '../editor/edit-pairs';
import { loadEditTargets, type EditTargets } from '../editor/edit-targets';
import { openImageFolder } from '@lfe/face-synth';
import { RealFaceDataset } from '@lfe/realface';
import { realAtomPair, realAtoms, realFaceImages } from '../editor/real-pairs';
import { fmtDuration, loggedSeconds, runLoop, type StepProvenance } from '../util/run-loop';
import { stopRequests } from '../util/stop-requests';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run trainer:train-editor -- [options]",
  "",
  "The method's joint training: text encoder (FOFE + BiLSTM) + fusion, generator frozen, scored by",
  "the grounded captioner reading the target caption back from the generated face.",
  "  npx nx run trainer:train-editor -- --out models/default/editor --work training/editor-residual",
  "      [--config cfg.json] [--mode residual|patent] [--steps N] [--resume]",
  "      [--generator DIR] [--encoder DIR] [--captioner DIR] [--folder PHOTOS [--index captions.jsonl]]",
  "--folder trains on your own photos + captions (JSONL `{\"image\", \"captions\": [...]}` per line) instead",
  "of face-synth renders; the generator, encoder and captioner should then be trained on them too.",
  "Writes <out>/<variant>/{text-encoder,fusion}/ (variant defaults to the mode) and, if missing,",
  "<out>/editor.json (default variant = this one). Stop cleanly: Ctrl-C or `touch <work>/STOP`; continue with --resume.",
  "Distilling real-atoms targets (trainer:make-edit-targets) monitors the caption loss on real validation",
  "faces read from --data (default ../shared/realface) instead of renders.",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    work: { type: 'string' },
    config: { type: 'string' },
    mode: { type: 'string' },
    steps: { type: 'string' },
    generator: { type: 'string' },
    encoder: { type: 'string' },
    captioner: { type: 'string' },
    folder: { type: 'string' },
    index: { type: 'string' },
    variant: { type: 'string' },
    distill: { type: 'string' },
    resume: { type: 'boolean', default: false },
    data: { type: 'string' },
  },
});
const fail = (msg: string): never => {
  console.error(`train-editor: ${msg}`);
  process.exit(2);
};
if (values.out === undefined) fail('--out DIR is required');
const work = values.work ?? `training/editor-${values.mode ?? 'residual'}`;
const cfgFile = join(work, 'config.json');
let user: Partial<EditorTrainConfig> = {};
if (values.resume && existsSync(cfgFile)) user = JSON.parse(readFileSync(cfgFile, 'utf8')) as Partial<EditorTrainConfig>;
else if (values.config !== undefined) user = JSON.parse(readFileSync(values.config, 'utf8')) as Partial<EditorTrainConfig>;
if (values.mode !== undefined) {
  if (values.mode !== 'residual' && values.mode !== 'patent') fail(`--mode must be residual or patent, got "${values.mode}"`);
  user.fusion = { ...(user.fusion ?? { hidden: 256 }), mode: values.mode as 'residual' | 'patent' };
}
for (const k of ['generator', 'encoder', 'captioner'] as const) if (values[k] !== undefined) user[k] = values[k];
if (values.distill !== undefined) user.distill = values.distill;
if (values.steps !== undefined) {
  const n = Number(values.steps);
  if (!Number.isInteger(n) || n < 1) fail(`--steps must be a positive integer, got "${values.steps}"`);
  user.steps = n;
}
const config = resolveEditorTrainConfig(user);
mkdirSync(work, { recursive: true });
writeFileSync(cfgFile, `${JSON.stringify(config, null, 2)}\n`);

const rt = await initRuntime();
console.error(`runtime: ${rt.backend} (${rt.reason})`);
const g = loadGenerator(config.generator);
const genSha = (JSON.parse(readFileSync(join(config.generator, 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;
const encSha = (JSON.parse(readFileSync(join(config.encoder, 'manifest.json'), 'utf8')) as { provenance: { generatorSha256?: string } }).provenance.generatorSha256;
if (encSha !== undefined && encSha !== genSha) fail(`the encoder in ${config.encoder} was trained for another generator (${encSha.slice(0, 12)}…, this one is ${genSha.slice(0, 12)}…): retrain it with trainer:train-encoder`);
const encoder = loadEncoder(config.encoder);
const encoderWeightsSha = (JSON.parse(readFileSync(join(config.encoder, 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;
const captioner = Captioner.load(config.captioner);

const stopRequested = stopRequests(work, 'train-editor');
const command = `npx nx run trainer:train-editor -- ${process.argv.slice(2).join(' ')}`;
const provenance = (): StepProvenance => ({
  command,
  seed: config.seed,
  dataManifestSha256: null,
  date: new Date().toISOString(),
  data: describeData(),
  generator: config.generator,
  generatorSha256: genSha,
  encoder: config.encoder,
  // The encoder whose latents the fusion learned from (a distillation folder stores its own);
  // Editor.load refuses a bundle whose encoder differs.
  encoderSha256: targets?.manifest.encoderSha256 ?? encoderWeightsSha,
  captioner: config.captioner,
  loss:
    config.distill === null
      ? `−log p(target caption | G(fuse(w, f(command)))) + ${config.latentWeight}·‖w' − w‖² + ${config.weightDecay}·‖θ‖²`
      : `${config.nllWeight}·(−log p(target caption | G(w'))) + ${config.distillWeight}·mean‖w' − (w + Δ*)‖² + ${config.latentWeight}·‖w' − w‖² + ${config.weightDecay}·‖θ‖², w' = fuse(w, f(command)), Δ* from ${config.distill} (captioner-optimised offsets, trainer:make-edit-targets)`,
  distill: config.distill,
  optimizer: `Adam(${config.lr}, 0.9, 0.999), ×${config.lrDecayFactor} every ${config.lrDecayEvery} iterations`,
  fusionMode: config.fusion.mode,
  schemaVersion: SCHEMA_VERSION,
  vocabularyFingerprint: VOCABULARY_FINGERPRINT,
});
/** What the steps read, as it is: distillation reads the targets folder's stored latents, not renders. */
function describeData(): string {
  const commands = `1…${config.maxEdits} random edits said as a command (zh ${config.zhFraction})`;
  if (targets === undefined) return `${source?.describe() ?? `edit pairs on the fly: face k = sample(hashInts(${config.seed}, k)) rendered`}, inverted by the encoder; ${commands}, target caption "${config.targetCaption}"`;
  const c = targets.manifest.config;
  if (c.stream === 'atoms' || c.stream === 'real-atoms') {
    return `${targets.count} stored face latents of ${config.distill} (${c.stream} stream, seed ${c.seed}), each step said fresh commands of editPair(${config.seed}, j): ${commands}; teacher w + Σ atom directions of the command's edits`;
  }
  return `${targets.count} stored pairs of ${config.distill} (pairs stream, seed ${c.seed}, share group ${c.shareGroup}): their face latents, commands and teacher offsets`;
}
let source: PairSource | undefined;
if (values.folder !== undefined) {
  const ds = await openImageFolder(values.folder, { size: g.config.resolution, ...(values.index !== undefined ? { index: values.index } : {}) });
  source = new FolderPairSource(ds, config.seed, config, `image folder ${values.folder}`);
}
let targets: EditTargets | undefined;
if (config.distill !== null) {
  if (source !== undefined) fail('--distill and --folder do not combine: the targets folder fixes the faces (make targets from your photos first)');
  try {
    targets = loadEditTargets(config.distill, { generatorSha256: genSha });
  } catch (e) {
    fail((e as Error).message);
  }
  console.error(`distilling from ${targets!.count} captioner-optimised offsets in ${config.distill}`);
  if (targets!.manifest.encoderSha256 !== encoderWeightsSha) {
    console.error(
      `warning: ${config.distill} holds latents of encoder ${targets!.manifest.encoderSha256.slice(0, 12)}…, ${config.encoder} is ${encoderWeightsSha.slice(0, 12)}…: ` +
        'the variant records the former, and a bundle with the latter encoder will refuse it (make new targets with this encoder)',
    );
  }
}
const trainer = new EditorTrainer(config, g, encoder, captioner, source, targets);
// Held-out monitoring: 32 pairs of the training's world (renders, or real validation faces saying
// one real atom each when the targets are real).
let heldOut = Array.from({ length: 32 }, (_, i) => editPair(config.seed + 1, i, config));
let heldOutImages: Float32Array | undefined;
if (targets?.manifest.config.stream === 'real-atoms') {
  const set = await RealFaceDataset.open({ ...(values.data !== undefined ? { data: values.data } : {}), log: (l) => console.error(l) });
  const drawn = Array.from({ length: 32 }, (_, i) => realAtomPair(set, set.rowsOf('validation'), config.seed + 1, i, 1, realAtoms(), config));
  heldOut = drawn.map((d) => d.pair);
  heldOutImages = realFaceImages(set, drawn.map((d) => d.row));
}
let earlyStopped = false;
const { completed } = await runLoop<EditorStepStats>({
  trainer,
  workDir: work,
  steps: config.steps,
  resume: values.resume,
  checkpointEvery: config.checkpointEvery,
  provenance,
  describe: (s) => `loss ${s.loss.toFixed(3)} (nll ${s.nll.toFixed(3)} shift ${s.latentShift.toFixed(4)}${Number.isNaN(s.distill) ? '' : ` distill ${s.distill.toFixed(4)}`}) lr ${s.lr.toExponential(1)}`,
  afterStep: (s) => {
    // Distillation steps are ~100× cheaper than joint ones: look at the held-out captions less often.
    if (s.step % (config.nllWeight === 0 ? 500 : 50) === 0) {
      const e = trainer.evaluate(heldOut, heldOutImages);
      console.error(`held-out @${s.step}: nll ${e.nll.toFixed(3)} shift ${e.latentShift.toFixed(4)}`);
    }
  },
  shouldStop: () => {
    const stop = stopRequested();
    if (!stop && trainer.converged()) {
      earlyStopped = true;
      console.error(`converged at step ${trainer.step}: the smoothed loss stayed within ${100 * config.earlyStopBand} % for ${config.earlyStopPatience} iterations`);
      return true;
    }
    return stop;
  },
});
if (!completed && !earlyStopped) {
  console.error(`stopped at step ${trainer.step}/${config.steps}; continue with --resume`);
} else {
  const seconds = loggedSeconds(work);
  const prov: Provenance = { ...provenance(), steps: trainer.step, trainingSeconds: Math.round(seconds), earlyStopped };
  const variantName = values.variant ?? config.fusion.mode;
  if (!/^[a-z0-9-]+$/.test(variantName)) fail(`--variant must be a folder name ([a-z0-9-]), got "${variantName}"`);
  const variant = join(values.out!, variantName);
  saveTextEncoder(join(variant, 'text-encoder'), trainer.textEncoder, prov, 'float32');
  saveFusion(join(variant, 'fusion'), trainer.fusion, prov, 'float32');
  const infoFile = join(values.out!, 'editor.json');
  let info = existsSync(infoFile) ? readEditorInfo(values.out!) : null;
  if (info === null || info.generatorSha256 !== genSha) info = { format: 'lfe-editor', defaultFusion: variantName, generatorSha256: genSha, noise: config.noise };
  if ((info.noise ?? 'const') !== config.noise) console.error(`warning: ${values.out}/editor.json says noise ${info.noise ?? 'const'}, this variant trained with ${config.noise}`);
  writeEditorInfo(values.out!, info);
  const e = trainer.evaluate(heldOut, heldOutImages);
  console.error(`held-out: nll ${e.nll.toFixed(3)} shift ${e.latentShift.toFixed(4)}; wrote ${variant} after ${trainer.step} iterations, ${fmtDuration(seconds)}`);
}
trainer.dispose();
for (const m of [g, encoder, captioner]) m.dispose();
console.error(`tensors left: ${tf.memory().numTensors}`);
