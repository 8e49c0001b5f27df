/** `nx run trainer:make-edit-targets`: the usage and options are in USAGE below (printed by `--help`). */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Captioner, initRuntime, loadEncoder, loadGenerator } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import {
  listShards,
  makeEditTargetShard,
  partsSha,
  readEditTargetsManifest,
  resolveEditTargetConfig,
  writeEditTargetsManifest,
  EDIT_TARGETS_KIND,
  type EditTargetConfig,
} from '../editor/edit-targets';
import { loadDiscriminator } from '../gan/discriminator';
import { fmtDuration } from '../util/run-loop';
import { stopRequests } from '../util/stop-requests';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run trainer:make-edit-targets -- [options]",
  "",
  "Teacher offsets for the editor's distillation (editor/edit-targets.ts): for each edit pair of the",
  "joint training's stream, the latent offset that makes the grounded captioner read the target",
  "caption, found by per-face optimisation. Written in shards; a killed run continues with --resume.",
  "  npx nx run trainer:make-edit-targets -- --out training/edit-targets --pairs 2048 [--resume]",
  "      [--config cfg.json] [--generator DIR] [--encoder DIR] [--captioner DIR] [--part I/N] [--data DIR]",
  "A config with \"stream\": \"real-atoms\" makes one shared direction per real atom (an edit a real",
  "face's caption can state) on real train faces read from --data (default ../shared/realface).",
  "The runtime computes on one core: `--part 0/2` and `--part 1/2` (both with --resume after the first",
  "has written targets.json) make the even and the odd shards in two processes.",
  "Stop cleanly: Ctrl-C or `touch <out>/STOP` (the current shard finishes).",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    pairs: { type: 'string', default: '2048' },
    config: { type: 'string' },
    generator: { type: 'string' },
    encoder: { type: 'string' },
    captioner: { type: 'string' },
    resume: { type: 'boolean', default: false },
    part: { type: 'string', default: '0/1' },
    data: { type: 'string' },
  },
});
const fail = (msg: string): never => {
  console.error(`make-edit-targets: ${msg}`);
  process.exit(2);
};
if (values.out === undefined) fail('--out DIR is required');
const out = values.out!;
const total = Number(values.pairs);
if (!Number.isInteger(total) || total < 1) fail(`--pairs must be a positive integer, got "${values.pairs}"`);

const part = /^(\d+)\/(\d+)$/.exec(values.part);
if (part === null || Number(part[1]) >= Number(part[2])) fail(`--part must be I/N with 0 ≤ I < N, got "${values.part}"`);
const [partI, partN] = [Number(part![1]), Number(part![2])];
let user: Partial<EditTargetConfig> = {};
const exists = existsSync(join(out, 'targets.json'));
if (exists && !values.resume) fail(`${out} already holds edit targets: pass --resume to add to them, or choose another --out`);
if (exists) user = readEditTargetsManifest(out).config;
else if (values.config !== undefined) user = JSON.parse(readFileSync(values.config, 'utf8')) as Partial<EditTargetConfig>;
for (const k of ['generator', 'encoder', 'captioner'] as const) {
  if (values[k] === undefined) continue;
  if (exists && values[k] !== user[k]) fail(`--${k} differs from the folder's (${String(user[k])}); targets of one folder share their frozen parts`);
  user[k] = values[k];
}
let config: EditTargetConfig;
try {
  config = resolveEditTargetConfig(user);
} catch (e) {
  fail((e as Error).message);
}
const sha = partsSha(config!);
if (exists) {
  const m = readEditTargetsManifest(out);
  for (const k of ['generatorSha256', 'encoderSha256', 'captionerSha256'] as const) {
    if (m[k] !== sha[k]) fail(`${k.replace('Sha256', '')} weights changed since this folder was started (${m[k].slice(0, 12)}… → ${sha[k].slice(0, 12)}…): start a new folder`);
  }
} else {
  writeEditTargetsManifest(out, { kind: EDIT_TARGETS_KIND, config: config!, ...sha });
}
const c = config!;
if (total % c.shardSize !== 0) fail(`--pairs ${total} is not a multiple of the shard size ${c.shardSize}`);

const rt = await initRuntime();
console.error(`runtime: ${rt.backend} (${rt.reason})`);
const generator = loadGenerator(c.generator);
const encoder = loadEncoder(c.encoder);
const captioner = Captioner.load(c.captioner);
const discriminator = c.realismWeight > 0 ? loadDiscriminator(c.discriminator) : undefined;
const realFaces = c.stream === 'real-atoms' ? await RealFaceDataset.open({ ...(values.data !== undefined ? { data: values.data } : {}), log: (l) => console.error(l) }) : undefined;
const stop = stopRequests(out, 'make-edit-targets');
const command = `npx nx run trainer:make-edit-targets -- ${process.argv.slice(2).join(' ')}`;
const done = new Set(listShards(out));
const shards = total / c.shardSize;
const t0 = performance.now();
let made = 0;
for (let s = 0; s < shards; s++) {
  if (done.has(s) || s % partN !== partI) continue;
  if (stop()) break;
  const t = performance.now();
  const st = makeEditTargetShard(out, s, c, { generator, encoder, captioner, ...(realFaces !== undefined ? { realFaces } : {}), ...(discriminator !== undefined ? { discriminator } : {}) }, {
    command,
    dataManifestSha256: null,
    date: new Date().toISOString(),
    data:
      realFaces !== undefined
        ? `real atom pairs ${s * c.shardSize}…${(s + 1) * c.shardSize - 1} of stream ${c.seed}: train faces of ${realFaces.dir} (realAtomPair), inverted by ${c.encoder}`
        : `edit pairs ${s * c.shardSize}…${(s + 1) * c.shardSize - 1} of stream ${c.seed} (face k = sample(hashInts(${c.seed}, k)) rendered, inverted by ${c.encoder})`,
    generatorSha256: sha.generatorSha256,
    captionerSha256: sha.captionerSha256,
    objective: `min_Δ −log p(caption | G(w + Δ)) + ${c.latentWeight}·mean(c_l·Δ²), c_l = ${c.coarseWeight} on W+ rows < ${c.coarseLayers}${c.realismWeight > 0 ? ` + ${c.realismWeight}·mean(relu(D(G(w)) − D(G(w + Δ)))), D = the discriminator of ${c.discriminator}` : ''}; Adam(${c.lr}) × ${c.steps} steps`,
    ...(discriminator !== undefined ? { discriminatorSha256: createHash('sha256').update(readFileSync(join(c.discriminator, 'weights.bin'))).digest('hex') } : {}),
  });
  made++;
  const left = Math.ceil((shards - done.size) / partN) - made;
  const per = (performance.now() - t0) / made;
  console.error(`shard ${s + 1}/${shards}: caption nll ${st.nllBefore.toFixed(2)} → ${st.nllAfter.toFixed(2)}, mean Δ² ${st.shift.toFixed(4)}${discriminator !== undefined ? `, critic drop ${st.realismDrop.toFixed(2)}` : ''}, ${((performance.now() - t) / 1000).toFixed(1)} s; ETA ${fmtDuration((left * per) / 1000)}`);
}
generator.dispose();
encoder.dispose();
captioner.dispose();
discriminator?.dispose();
console.error(`make-edit-targets: ${listShards(out).length * c.shardSize} of ${total} pairs in ${out}`);
