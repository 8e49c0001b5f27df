import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Provenance } from '@lfe/face-pipeline';

/** A checkpoint's provenance before the loop adds `steps`. */
export type StepProvenance = Pick<Provenance, 'command' | 'seed' | 'dataManifestSha256' | 'date'> & Record<string, unknown>;

/** A trainer the loop can drive: one step at a time, with a resumable state folder. */
export interface SteppedTrainer<S extends { step: number }> {
  readonly step: number;
  trainStep(): Promise<S>;
  save(dir: string, provenance: StepProvenance): Promise<void>;
  restore(dir: string): Promise<void>;
}

export interface RunLoopOptions<S extends { step: number }> {
  trainer: SteppedTrainer<S>;
  /** state/ and log.jsonl live here. */
  workDir: string;
  steps: number;
  resume: boolean;
  checkpointEvery: number;
  progressEvery?: number;
  provenance: () => StepProvenance;
  /** One progress line from the latest stats (the loop adds step, rate and ETA). */
  describe: (s: S) => string;
  progress?: (line: string) => void;
  shouldStop?: (s: S | null) => boolean;
  /** Called after every step (validation, samples…). */
  afterStep?: (s: S) => Promise<void> | void;
}

export function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
}

/**
 * The shared training loop of the encoder and editor stages: restore (when resuming and a state
 * exists), cut the log back to the restored step so it stays one row per step, step until `steps`
 * or a stop request, log every step as JSON, print progress with rate and ETA, checkpoint every
 * `checkpointEvery` steps and at the end. Returns whether the run reached `steps`.
 */
export async function runLoop<S extends { step: number }>(o: RunLoopOptions<S>): Promise<{ completed: boolean; last: S | null }> {
  mkdirSync(o.workDir, { recursive: true });
  const stateDir = join(o.workDir, 'state');
  const logFile = join(o.workDir, 'log.jsonl');
  const progress = o.progress ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (o.resume && existsSync(join(stateDir, 'manifest.json'))) {
    await o.trainer.restore(stateDir);
    progress(`resumed at step ${o.trainer.step}`);
    if (existsSync(logFile)) {
      const rows = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => l !== '' && (JSON.parse(l) as { step: number }).step <= o.trainer.step);
      writeFileSync(logFile, rows.map((l) => `${l}\n`).join(''));
    }
  } else if (existsSync(logFile)) {
    writeFileSync(logFile, '');
  }
  const every = o.progressEvery ?? 10;
  const start = o.trainer.step;
  const t0 = performance.now();
  let last: S | null = null;
  while (o.trainer.step < o.steps && !(o.shouldStop?.(last) ?? false)) {
    // wasm's data() resolves in microtasks: without a macrotask turn per step, signal handlers
    // (Ctrl-C → shouldStop) would never run.
    await new Promise<void>((r) => setImmediate(r));
    last = await o.trainer.trainStep();
    appendFileSync(logFile, `${JSON.stringify(last)}\n`);
    const s = o.trainer.step;
    if (s % every === 0 || s === o.steps) {
      const rate = (s - start) / ((performance.now() - t0) / 1000);
      progress(`step ${s}/${o.steps} ${rate.toFixed(2)} step/s ETA ${fmtDuration((o.steps - s) / rate)} ${o.describe(last)}`);
    }
    if (s % o.checkpointEvery === 0) await o.trainer.save(stateDir, o.provenance());
    await o.afterStep?.(last);
  }
  await o.trainer.save(stateDir, o.provenance());
  return { completed: o.trainer.step >= o.steps, last };
}

/** Training seconds summed over every logged step (across resumes). */
export function loggedSeconds(workDir: string): number {
  const logFile = join(workDir, 'log.jsonl');
  if (!existsSync(logFile)) return 0;
  let s = 0;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (line === '') continue;
    const row = JSON.parse(line) as { seconds?: number };
    if (typeof row.seconds === 'number') s += row.seconds;
  }
  return s;
}

/**
 * The configuration of a run in `workDir`: on a resume (a saved state exists) the run's own
 * `config.json`, with only the step budget taken from `requested` (it may be raised); otherwise
 * `requested`. Written back to `config.json` either way.
 */
export function runConfig<C extends { steps: number }>(
  workDir: string,
  requested: C,
  resume: boolean,
  resolve: (saved: Partial<C>) => C,
): { config: C; resuming: boolean } {
  mkdirSync(workDir, { recursive: true });
  const cfgFile = join(workDir, 'config.json');
  const resuming = resume && existsSync(join(workDir, 'state', 'manifest.json'));
  const config = resuming ? { ...resolve(JSON.parse(readFileSync(cfgFile, 'utf8')) as Partial<C>), steps: requested.steps } : requested;
  writeFileSync(cfgFile, `${JSON.stringify(config, null, 2)}\n`);
  return { config, resuming };
}

/** A running mean for progress lines: the first value, then 0.95 · mean + 0.05 · value. */
export function runningMean(): (value: number) => number {
  let mean: number | null = null;
  return (v) => (mean = mean === null ? v : 0.95 * mean + 0.05 * v);
}
