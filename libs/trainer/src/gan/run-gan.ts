import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, imageGrid } from '../util/png';
import { lossCurvesHtml } from '../util/plot';
import { fmtDuration } from '../util/run-loop';
import { resolveGanConfig, type GanConfig } from './gan-config';
import { GanTrainer, type RunProvenance, type StepStats } from './gan-trainer';
import { ParallelGanTrainer } from './parallel-gan';
import type { ImageSource } from './image-source';

/** What the loop needs of a trainer: one in this thread, or data-parallel replicas in workers. */
export interface GanRunTrainer {
  readonly config: GanConfig;
  readonly step: number;
  trainStep(): Promise<StepStats>;
  save(outDir: string, provenance: RunProvenance): Promise<void>;
  restore(outDir: string): Promise<void>;
  sampleImages(count: number): Promise<Uint8Array>;
  dispose(): void | Promise<void>;
}

export interface RunGanOptions {
  outDir: string;
  config: GanConfig;
  source: ImageSource;
  /** Continue from `outDir/state` when it exists. */
  resume: boolean;
  /** Data-parallel worker threads (1: train in this thread). */
  workers?: number;
  /** Stop after this many steps in this process (sessions are time-boxed); default: to config.steps. */
  maxSteps?: number;
  command: string;
  /** Progress output (stderr by default); tests pass a no-op. */
  progress?: (line: string) => void;
  shouldStop?: () => boolean;
}

/** Train with checkpoints, a JSON log, sample grids and loss curves in `outDir`. Returns the last stats. */
export async function runGan(opts: RunGanOptions): Promise<{ trainer: GanRunTrainer; last: StepStats | null }> {
  const { outDir, source } = opts;
  mkdirSync(join(outDir, 'samples'), { recursive: true });
  const cfgFile = join(outDir, 'config.json');
  let config = opts.config;
  if (opts.resume && existsSync(join(outDir, 'state', 'manifest.json'))) {
    config = resolveGanConfig(JSON.parse(readFileSync(cfgFile, 'utf8')));
  }
  writeFileSync(cfgFile, `${JSON.stringify(config, null, 2)}\n`);
  const workers = opts.workers ?? 1;
  const trainer: GanRunTrainer = workers > 1 ? await ParallelGanTrainer.start(config, workers) : new GanTrainer(config, source);
  if (opts.resume && existsSync(join(outDir, 'state', 'manifest.json'))) await trainer.restore(outDir);
  const logFile = join(outDir, 'log.jsonl');
  const progress = opts.progress ?? ((l: string) => process.stderr.write(`\r${l}`));
  const data = source.describe();
  const provenance = {
    command: opts.command,
    seed: config.seed,
    dataManifestSha256: data.manifestSha256,
    data: data.detail,
    date: new Date().toISOString(),
    runtime: 'tfjs wasm + lfe training kernels',
  };
  const end = Math.min(config.steps, trainer.step + (opts.maxSteps ?? Infinity));
  let last: StepStats | null = null;
  const startStep = trainer.step;
  const t0 = performance.now();
  while (trainer.step < end && !(opts.shouldStop?.() ?? false)) {
    last = await trainer.trainStep();
    // wasm steps never return to the event loop on their own (their awaits resolve as microtasks),
    // so yield once per step: signal handlers and timers get to run.
    await new Promise<void>((resolve) => setImmediate(resolve));
    appendFileSync(logFile, `${JSON.stringify(last)}\n`);
    const done = trainer.step - startStep;
    const rate = done / ((performance.now() - t0) / 1000);
    const bar = '#'.repeat(Math.round((20 * trainer.step) / config.steps)).padEnd(20, '.');
    progress(
      `step ${trainer.step}/${config.steps} [${bar}] ${rate.toFixed(2)} step/s ETA ${fmtDuration((config.steps - trainer.step) / rate)} ` +
        `lossD ${last.lossD.toFixed(3)} lossG ${last.lossG.toFixed(3)}${last.r1 !== null ? ` r1 ${last.r1.toFixed(3)}` : ''}   `,
    );
    if (trainer.step % config.sampleEvery === 0) await writeSamples(trainer, outDir);
    if (trainer.step % config.checkpointEvery === 0) await trainer.save(outDir, provenance);
  }
  await trainer.save(outDir, provenance);
  await writeSamples(trainer, outDir);
  writeCurves(outDir);
  return { trainer, last };
}

export async function writeSamples(trainer: GanRunTrainer, outDir: string): Promise<void> {
  const u8 = await trainer.sampleImages(64);
  const r = trainer.config.generator.resolution;
  const grid = imageGrid(u8, 64, r, 8);
  const png = encodePng(grid.rgb, grid.width, grid.height);
  writeFileSync(join(outDir, 'samples', `step-${String(trainer.step).padStart(6, '0')}.png`), png);
  writeFileSync(join(outDir, 'samples', 'latest.png'), png);
}

/** Loss curves (smoothed over 20 steps) as a self-contained HTML page, from the JSON log. */
export function writeCurves(outDir: string): void {
  const logFile = join(outDir, 'log.jsonl');
  if (!existsSync(logFile)) return; // no step logged yet (a run imported or resumed at its end)
  const lines = readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean);
  const rows = lines.map((l) => JSON.parse(l) as StepStats);
  const smooth = (xs: number[]): number[] => xs.map((_, i) => {
    const w = xs.slice(Math.max(0, i - 19), i + 1);
    return w.reduce((a, b) => a + b, 0) / w.length;
  });
  const html = lossCurvesHtml('GAN losses (20-step mean)', rows.map((r) => r.step), {
    lossD: smooth(rows.map((r) => r.lossD)),
    lossG: smooth(rows.map((r) => r.lossG)),
    'D(real)': smooth(rows.map((r) => r.realScore)),
    'D(fake)': smooth(rows.map((r) => r.fakeScore)),
    // Reconstruction loss (config.recon), carried between the steps that ran it.
    ...(rows.some((r) => typeof r.recon === 'number') ? { recon: smooth(carryForward(rows.map((r) => r.recon ?? null))) } : {}),
  });
  writeFileSync(join(outDir, 'curves.html'), html);
}

/** Each null replaced by the last number before it (0 before the first). */
function carryForward(xs: ReadonlyArray<number | null>): number[] {
  let last = 0;
  return xs.map((x) => (x === null ? last : (last = x)));
}
