import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_VERSION } from '@lfe/edit-language';
import { RENDERER_VERSION } from '@lfe/face-synth';
import type { Provenance, WeightDtype } from '@lfe/face-pipeline';
import { evaluateJudge, failingEntries, formatReport, type JudgeReport } from './evaluate';
import { Judge } from './judge';
import { loggedSeconds, runConfig, runLoop, runningMean } from '../util/run-loop';
import { ParallelJudgeTrainer } from './parallel-judge';
import { JudgeTrainer, resolveJudgeTrainConfig, type JudgeStepStats, type JudgeTrainConfig } from './judge-trainer';

export interface RunJudgeOptions {
  /** Where the shipped judge goes (manifest.json, weights.bin, report.json). */
  outDir: string;
  /** Training state (state/), log.jsonl, config.json. */
  workDir: string;
  config: JudgeTrainConfig;
  resume: boolean;
  command: string;
  progress?: (line: string) => void;
  shouldStop?: () => boolean;
  /**
   * Data-parallel replicas (this thread + workers − 1 worker threads, one core each). A run is
   * reproducible for a fixed count; changing it at a resume continues the same run with a
   * different float summation order.
   */
  workers?: number;
}

export interface FinalReport {
  /** The held-out report of the shipped weights. */
  shipped: JudgeReport;
  dtype: WeightDtype;
  float32: JudgeReport;
  float16: JudgeReport;
  /** Why this dtype. */
  dtypeDecision: string;
  failing: string[];
  /** With blink training: the shipped weights on the report faces all rendered mid-blink (eye size and colour skipped below half open). */
  blink?: JudgeReport;
  training: { steps: number; batchSize: number; images: number; seconds: number; seed: number; validationSeed: number; reportSeed: number };
  provenance: Provenance;
}

/** Mean accuracy over discrete entries and mean MAE over continuous ones, for log lines. */
function summary(r: JudgeReport): { meanAccuracy: number; minAccuracy: number; worst: string; meanMae: number } {
  let acc = 0;
  let na = 0;
  let min = 1;
  let worst = '';
  let mae = 0;
  let nm = 0;
  for (const rec of [r.perAttribute, r.perIdentityTrait]) {
    for (const [name, m] of Object.entries(rec)) {
      if (m.accuracy !== undefined) {
        acc += m.accuracy;
        na++;
        if (m.accuracy < min) {
          min = m.accuracy;
          worst = name;
        }
      } else if (m.mae !== undefined) {
        mae += m.mae;
        nm++;
      }
    }
  }
  return { meanAccuracy: acc / na, minAccuracy: min, worst, meanMae: mae / Math.max(1, nm) };
}

/**
 * float16 halves the file; ship it only if no discrete entry loses accuracy and no MAE grows by
 * more than 1 % relative on the same held-out faces.
 */
function chooseDtype(f32: JudgeReport, f16: JudgeReport): { dtype: WeightDtype; why: string } {
  const worse: string[] = [];
  for (const key of ['perAttribute', 'perIdentityTrait'] as const) {
    for (const [name, a] of Object.entries(f32[key])) {
      const b = f16[key][name];
      if (b === undefined) continue;
      if (a.accuracy !== undefined && (b.accuracy ?? 0) < a.accuracy) worse.push(`${name} accuracy ${a.accuracy} → ${b.accuracy}`);
      if (a.mae !== undefined && (b.mae ?? Infinity) > a.mae * 1.01) worse.push(`${name} MAE ${a.mae} → ${b.mae}`);
    }
  }
  return worse.length === 0
    ? { dtype: 'float16', why: 'float16 loses no accuracy and adds < 1 % relative MAE on the report set' }
    : { dtype: 'float32', why: `float16 is worse: ${worse.join('; ')}` };
}

/** Train (or resume) a judge, validate along the way, and write the shipped judge + report. */
export async function runJudge(opts: RunJudgeOptions): Promise<FinalReport | null> {
  const { outDir, workDir } = opts;
  const run = runConfig(workDir, opts.config, opts.resume, resolveJudgeTrainConfig);
  const { resuming } = run;
  let config = run.config;
  if (config.init !== null) {
    const now = weightsSha256Of(config.init);
    if (config.initWeightsSha256 === null) {
      // Pin the init's weights now: a resume later must not read whatever the folder holds by then.
      config = { ...config, initWeightsSha256: now };
      writeFileSync(join(workDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    } else if (!resuming && now !== config.initWeightsSha256) {
      // A fresh start would train from other weights than the config names.
      throw new TypeError(`judge init ${config.init}: its weights (sha256 ${now}) are not the ones the config pins (${config.initWeightsSha256})`);
    }
  }
  const workers = opts.workers ?? 1;
  const trainer = workers > 1 ? await ParallelJudgeTrainer.start(config, workers) : new JudgeTrainer(config);
  try {
    const progress = opts.progress ?? ((l: string) => process.stderr.write(`${l}\n`));
    const logFile = join(workDir, 'log.jsonl');
    const baseProvenance = {
      command: opts.command,
      seed: config.seed,
      dataManifestSha256: null,
      data:
        `face-synth (renderer v${RENDERER_VERSION}) rendered on the fly: face k = sample(hashInts(${config.seed}, k)) at ${config.model.resolution}px, step s reads faces [s·${config.batchSize}, (s+1)·${config.batchSize})` +
        (config.blinkFraction > 0 ? `; ${(100 * config.blinkFraction).toFixed(1)} % of faces mid-blink (eye size and colour unscored below half open)` : ''),
      ...(config.init === null ? {} : { init: { from: config.init, weightsSha256: config.initWeightsSha256 } }),
      heldOut: { validationSeed: config.validationSeed, reportSeed: config.reportSeed },
      schemaVersion: SCHEMA_VERSION,
      optimizer: `Adam(${config.lr}, 0.9, 0.999), ${config.warmupSteps} warm-up steps, cosine to ${Number((config.lr * config.finalLrFraction).toPrecision(6))}`,
      runtime: 'tfjs wasm + lfe training kernels',
      workers,
    };
    const startedAt = new Date().toISOString();
    // The shared loop (util/run-loop): restore, one log row per step, progress, checkpoints.
    const lossAvg = runningMean();
    await runLoop<JudgeStepStats>({
      trainer,
      workDir,
      steps: config.steps,
      resume: resuming,
      checkpointEvery: config.checkpointEvery,
      progressEvery: 25,
      progress,
      provenance: () => ({ ...baseProvenance, date: new Date().toISOString() }),
      describe: (last) => {
        return `loss ${lossAvg(last.loss).toFixed(4)} (ce ${last.crossEntropy.toFixed(4)} reg ${last.regression.toFixed(5)}) lr ${last.lr.toExponential(2)}`;
      },
      shouldStop: () => opts.shouldStop?.() ?? false,
      afterStep: (last) => {
        const s = last.step;
        if (s % config.validateEvery === 0) {
          const v = evaluateJudge(trainer.judge, { seed: config.validationSeed, n: config.validateN });
          const sm = summary(v);
          appendFileSync(logFile, `${JSON.stringify({ step: s, validation: sm, perAttribute: v.perAttribute, perIdentityTrait: v.perIdentityTrait })}\n`);
          progress(`validation @${s}: mean accuracy ${(100 * sm.meanAccuracy).toFixed(2)} %, worst ${sm.worst} ${(100 * sm.minAccuracy).toFixed(2)} %, mean MAE ${sm.meanMae.toFixed(4)}`);
        }
      },
    });
    if (trainer.step < config.steps) {
      progress(`stopped at step ${trainer.step}/${config.steps}; resume with --resume`);
      return null;
    }
    // Final: evaluate float32 and float16 exports on the report set, ship the better.
    const provenance: Provenance = { ...baseProvenance, steps: trainer.step, date: new Date().toISOString(), trainingStarted: startedAt };
    const f32Dir = join(workDir, 'export-float32');
    const f16Dir = join(workDir, 'export-float16');
    trainer.judge.save(f32Dir, provenance, 'float32');
    trainer.judge.save(f16Dir, provenance, 'float16');
    const reports: Record<WeightDtype, JudgeReport> = { float32: evalDir(f32Dir, config), float16: evalDir(f16Dir, config) };
    const choice = chooseDtype(reports.float32, reports.float16);
    const seconds = loggedSeconds(workDir);
    const final: FinalReport = {
      shipped: reports[choice.dtype],
      dtype: choice.dtype,
      float32: reports.float32,
      float16: reports.float16,
      dtypeDecision: choice.why,
      failing: failingEntries(reports[choice.dtype]),
      training: { steps: trainer.step, batchSize: config.batchSize, images: trainer.step * config.batchSize, seconds, seed: config.seed, validationSeed: config.validationSeed, reportSeed: config.reportSeed },
      provenance: { ...provenance, dtype: choice.dtype, trainingSeconds: Math.round(seconds) },
    };
    if (config.blinkFraction > 0) {
      const j = Judge.load(choice.dtype === 'float32' ? f32Dir : f16Dir);
      try {
        final.blink = evaluateJudge(j, { seed: config.reportSeed, n: config.reportN, blinkFraction: 1 });
      } finally {
        j.dispose();
      }
      progress(`\nreport faces, all mid-blink:\n${formatReport(final.blink)}`);
    }
    trainer.judge.save(outDir, final.provenance, choice.dtype);
    writeFileSync(join(outDir, 'report.json'), `${JSON.stringify(final, null, 2)}\n`);
    progress(`\n${formatReport(final.shipped)}\n\nshipped ${choice.dtype} (${choice.why}) to ${outDir}`);
    return final;
  } finally {
    await trainer.dispose();
  }
}

/** sha256 of a checkpoint's weights as its manifest records it (the init of a fine-tune). */
function weightsSha256Of(dir: string): string {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { weights?: { sha256?: string } };
  const sha = m.weights?.sha256;
  if (typeof sha !== 'string') throw new TypeError(`judge init ${dir}: manifest.json has no weights.sha256`);
  return sha;
}

function evalDir(dir: string, config: JudgeTrainConfig): JudgeReport {
  const j = Judge.load(dir);
  try {
    return evaluateJudge(j, { seed: config.reportSeed, n: config.reportN });
  } finally {
    j.dispose();
  }
}
