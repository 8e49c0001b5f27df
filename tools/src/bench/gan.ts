/** `nx run tools:bench-gan`: the usage and options are in USAGE below (printed by `--help`). */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { blockResolutions, channelsAt, Generator, initRuntime, type GeneratorConfig } from '@lfe/face-pipeline';
import { GanTrainer, openImageSource, ParallelGanTrainer, resolveGanConfig } from '@lfe/trainer';
import { gflops, table, time } from './timing';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run tools:bench-gan -- [options]",
  "",
  "Generator / GAN benchmark: generator forward ms per image at batch 1 and 16 with its GFLOP/s",
  "against the forward-conv ceiling measured in the same run, and one G+D training step (batch 16,",
  "64×64, the shipped architecture) in seconds, in this thread (the baseline) and data-parallel on",
  "worker threads (`--workers 1,2`).",
  "  npx nx run tools:bench-gan [-- --json out.json] [-- --config training/gan-default.json] [-- --workers 1,2] [-- --engines wasm,torch]",
  "`--workers 0` skips the training steps (forward rows only).",
  "`--engines wasm,torch` also times the same step (same G and D weights, same batch, the config's",
  "data) in the PyTorch engine (`lfe_torch.train_gan` of libs/trainer-torch in .venv-torch, CPU, or CUDA",
  "with `--torch-device cuda`): images/s of the full step (lazy R1 amortised over --steps) per engine",
  "in one table. The PyTorch leg reads real faces (`data.kind: realface`, e.g. training/gan-real/config.json).",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values: args } = parseArgs({
  options: {
    json: { type: 'string' },
    config: { type: 'string' },
    steps: { type: 'string', default: '5' },
    workers: { type: 'string', default: '1,2' },
    engines: { type: 'string', default: 'wasm' },
    'torch-device': { type: 'string', default: 'cpu' },
  },
});
const rt = await initRuntime();
const config = resolveGanConfig(args.config !== undefined ? JSON.parse(readFileSync(args.config, 'utf8')) : undefined);

/** Multiply-adds ×2 of the synthesis convs (3×3 modulated convs and 1×1 toRGB) per image. */
function synthesisFlop(c: GeneratorConfig): number {
  let flop = 0;
  let cin = channelsAt(c, 4);
  for (const r of blockResolutions(c)) {
    const cout = channelsAt(c, r);
    flop += 2 * r * r * 9 * cin * cout; // conv0
    if (r > 4) flop += 2 * r * r * 9 * cout * cout; // conv1
    flop += 2 * r * r * cout * 3; // toRGB
    cin = cout;
  }
  return flop;
}

const G = new Generator(config.generator, 1);
const flopPerImage = synthesisFlop(config.generator);
const rows: Array<{ what: string; ms: number; perImageMs: number; gflops: number | null }> = [];
// With the stored constant noise maps (as sample sheets and eval-gan draw), and without noise
// inputs (as the editor bundle generates, editor.json "noise": "none").
// Each conv's epilogue (demodulation, noise, bias, leaky ReLU) runs as our fused kernel; the
// 'stock epilogue' rows are the baseline: the same network with the four stock ops instead.
for (const [b, noise] of [[1, 'const'], [16, 'const'], [1, 'none'], [16, 'none']] as const) {
  const z = tf.randomNormal([b, config.generator.zDim]) as tf.Tensor2D;
  for (const stockEpilogue of [true, false]) {
    const t = await time(() => G.generate(z, { noise, stockEpilogue }), { runs: 10, warmup: 2 });
    rows.push({
      what: `generator forward, batch ${b}, noise ${noise}${stockEpilogue ? ', stock epilogue' : ''}`,
      ms: t.medianMs,
      perImageMs: t.medianMs / b,
      gflops: gflops(flopPerImage * b, t.medianMs),
    });
  }
  z.dispose();
}
G.dispose();

// The conv ceiling on the generator's own busiest shape (its largest 3×3 conv) and on the runtime bench shape.
const c = config.generator;
const r = c.resolution;
const ch = channelsAt(c, r);
const cx = tf.randomNormal([16, r, r, ch]) as tf.Tensor4D;
const cw = tf.randomNormal([3, 3, ch, ch]) as tf.Tensor4D;
const ceilSmall = await time(() => tf.conv2d(cx, cw, 1, 'same'), { runs: 10 });
const bx = tf.randomNormal([16, 64, 64, 64]) as tf.Tensor4D;
const bw = tf.randomNormal([3, 3, 64, 64]) as tf.Tensor4D;
const ceilBig = await time(() => tf.conv2d(bx, bw, 1, 'same'), { runs: 5 });
tf.dispose([cx, cw, bx, bw]);
const ceiling = {
  conv2dGflops: gflops(2 * 16 * 64 * 64 * 9 * 64 * 64, ceilBig.medianMs),
  ownShapeGflops: gflops(2 * 16 * r * r * 9 * ch * ch, ceilSmall.medianMs),
  ownShape: `16x${r}x${r}x${ch}→${ch} k3`,
};

// One training step per worker count (1 = this thread, the baseline), same config and data.
const workerCounts = args.workers === '0' ? [] : args.workers.split(',').map(Number);
const steps: { workers: number; meanS: number; medianS: number; minS: number; steps: number; batch: number; resolution: number; includesR1Step: boolean }[] = [];
for (const workers of workerCounts) {
  const cfg = { ...config, batchSize: 16 };
  const trainer = workers > 1 ? await ParallelGanTrainer.start(cfg, workers) : new GanTrainer(cfg, await openImageSource(cfg));
  const stepTimes: number[] = [];
  await trainer.trainStep(); // warm-up (kernel setup, optimizer slots); step 0 is also the lazy R1 step
  for (let i = 0; i < Number(args.steps); i++) stepTimes.push((await trainer.trainStep()).seconds);
  await trainer.dispose();
  stepTimes.sort((a, b) => a - b);
  const meanS = stepTimes.reduce((x, y) => x + y, 0) / stepTimes.length;
  steps.push({ workers, meanS, medianS: stepTimes[Math.floor(stepTimes.length / 2)]!, minS: stepTimes[0]!, steps: stepTimes.length, batch: 16, resolution: c.resolution, includesR1Step: stepTimes.length >= config.r1Interval });
}

// The same step in the PyTorch engine: same config, same initial G and D (a fresh state saved here), same batch.
interface EngineRow {
  engine: string;
  threads: number;
  meanStepS: number;
  imagesPerSec: number;
  steps: number;
}
const engineRows: EngineRow[] = steps.map((x) => ({ engine: `tfjs-${rt.backend}${x.workers > 1 ? ` (${x.workers} worker threads)` : ''}`, threads: x.workers, meanStepS: x.meanS, imagesPerSec: 16 / x.meanS, steps: x.steps }));
if (args.engines.split(',').includes('torch')) {
  const root = resolve(fileURLToPath(import.meta.url), '../../../..');
  const py = join(root, '.venv-torch/bin/python');
  if (!existsSync(py)) console.log(`torch: skipped (${py} missing: run scripts/setup.sh)`);
  else if (config.data.kind !== 'realface') console.log('torch: skipped (the PyTorch leg reads real faces: use a config with data.kind "realface", e.g. ../training/gan-real/config.json)');
  else {
    const dir = mkdtempSync(join(tmpdir(), 'bench-gan-torch-'));
    try {
      const cfg = { ...config, batchSize: 16 };
      const t = new GanTrainer(cfg, await openImageSource(cfg));
      await t.save(dir, { command: 'bench-gan', seed: cfg.seed, dataManifestSha256: null, date: new Date().toISOString() });
      t.dispose();
      const out = join(dir, 'torch.json');
      const n = Number(args.steps) + 1;
      const r = spawnSync(py, ['-m', 'lfe_torch.train_gan', '--init', join(dir, 'state'), '--real-data', '--batch', '16', '--max-steps', String(n), '--seconds', '100000', '--checkpoint-seconds', '100000', '--device', args['torch-device'], '--out', join(dir, 'run'), '--bench-json', out], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(root, 'libs/trainer-torch') } });
      if (r.status !== 0) throw new Error(`torch leg failed (${r.status}): ${r.stderr.slice(-2000)}`);
      const j = JSON.parse(readFileSync(out, 'utf8')) as { engine: string; threads: number; meanStepS: number; imagesPerSec: number; steps: number };
      engineRows.push({ engine: `${j.engine} (${j.threads} threads)`, threads: j.threads, meanStepS: j.meanStepS, imagesPerSec: j.imagesPerSec, steps: j.steps });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

console.log(`backend ${rt.backend}; ${cpus().length} cpus; node ${process.version}; generator ${JSON.stringify(c)}`);
console.log(table(['what', 'ms', 'ms/image', 'GFLOP/s', '% of conv ceiling'], rows.map((x) => [x.what, x.ms, x.perImageMs, x.gflops, x.gflops === null ? null : (100 * x.gflops) / ceiling.conv2dGflops])));
console.log(`conv ceiling: ${ceiling.conv2dGflops.toFixed(1)} GFLOP/s (16x64x64x64→64 k3), ${ceiling.ownShapeGflops.toFixed(1)} GFLOP/s on ${ceiling.ownShape}`);
console.log(`G+D training step (batch 16, ${c.resolution}x${c.resolution}; steps 1…${Number(args.steps)} after the warm-up, so no lazy R1 step unless --steps ≥ ${config.r1Interval}):`);
const base = steps.find((x) => x.workers === 1);
console.log(table(['workers', 'median s', 'min s', 'speed-up vs 1'], steps.map((x) => [x.workers, x.medianS, x.minS, base === undefined ? null : base.medianS / x.medianS])));
console.log(`Training engines, the full G+D step (batch 16, ${c.resolution}x${c.resolution}, lazy R1 every ${config.r1Interval} and style mixing as configured; data: ${config.data.kind}; mean over ${Number(args.steps)} steps after a warm-up):`);
const wasm1 = engineRows[0];
console.log(table(['engine', 'mean s/step', 'images/s', '× vs first row'], engineRows.map((x) => [x.engine, x.meanStepS, x.imagesPerSec, wasm1 === undefined ? null : x.imagesPerSec / wasm1.imagesPerSec])));
const json = { engines: engineRows, machine: { cpus: cpus().length, node: process.version, backend: rt.backend }, generator: rows, flopPerImage, ceiling, trainingStep: base ?? steps[0] ?? null, trainingSteps: steps };
if (args.json !== undefined) writeFileSync(args.json, JSON.stringify(json, null, 2));
