import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RENDERER_VERSION } from '@lfe/face-synth';
import { SCHEMA_VERSION, VOCABULARY_FINGERPRINT } from '@lfe/edit-language';
import { Captioner, type Provenance, type WeightDtype } from '@lfe/face-pipeline';
import { loggedSeconds, runConfig, runLoop, runningMean } from '../util/run-loop';
import { CaptionerTrainer, resolveCaptionerTrainConfig, type CaptionerStepStats, type CaptionerTrainConfig } from './captioner-trainer';
import { evaluateCaptioner, formatCaptionerReport, type CaptionerReport } from './evaluate-captioner';

export interface RunCaptionerOptions {
  /** Where the shipped captioner goes (manifest.json, weights.bin, report.json). */
  outDir: string;
  /** Training state (state/), log.jsonl, config.json, exports. */
  workDir: string;
  config: CaptionerTrainConfig;
  resume: boolean;
  command: string;
  progress?: (line: string) => void;
  shouldStop?: () => boolean;
}

export interface CaptionerFinalReport {
  shipped: CaptionerReport;
  dtype: WeightDtype;
  float32: CaptionerReport;
  float16: CaptionerReport;
  dtypeDecision: string;
  training: { steps: number; batchSize: number; captions: number; seconds: number; seed: number; validationSeed: number; reportSeed: number; parameters: number };
  provenance: Provenance;
}

/**
 * float16 halves the file; ship it only if the held-out token accuracy drops by < 0.1 point and
 * mean attribute precision and recall by < 0.5 point (greedy decoding may flip near-ties either way).
 */
function chooseDtype(a: CaptionerReport, b: CaptionerReport): { dtype: WeightDtype; why: string } {
  const d = (x: number, y: number): string => `${(100 * x).toFixed(2)} → ${(100 * y).toFixed(2)} %`;
  const worse: string[] = [];
  if (b.tokenAccuracy < a.tokenAccuracy - 0.001) worse.push(`token accuracy ${d(a.tokenAccuracy, b.tokenAccuracy)}`);
  if (b.meanPrecision < a.meanPrecision - 0.005) worse.push(`mean precision ${d(a.meanPrecision, b.meanPrecision)}`);
  if (b.meanRecall < a.meanRecall - 0.005) worse.push(`mean recall ${d(a.meanRecall, b.meanRecall)}`);
  return worse.length === 0
    ? { dtype: 'float16', why: `float16 holds: token accuracy ${d(a.tokenAccuracy, b.tokenAccuracy)}, mean precision ${d(a.meanPrecision, b.meanPrecision)}, mean recall ${d(a.meanRecall, b.meanRecall)}` }
    : { dtype: 'float32', why: `float16 is worse: ${worse.join('; ')}` };
}

/** Train (or resume) a captioner on renders, validate along the way, and write the shipped captioner + report. */
export async function runCaptioner(opts: RunCaptionerOptions): Promise<CaptionerFinalReport | null> {
  const { outDir, workDir } = opts;
  const { config, resuming } = runConfig(workDir, opts.config, opts.resume, resolveCaptionerTrainConfig);
  const trainer = new CaptionerTrainer(config);
  const progress = opts.progress ?? ((l: string) => process.stderr.write(`${l}\n`));
  try {
    const logFile = join(workDir, 'log.jsonl');
    const baseProvenance = {
      command: opts.command,
      seed: config.seed,
      dataManifestSha256: null,
      data: `face-synth (renderer v${RENDERER_VERSION}) rendered on the fly: face k = sample(hashInts(${config.seed}, k)) at ${config.model.resolution}px with one describeFace caption (full ${config.fullFraction}, zh ${config.zhFraction}); step s reads faces [s·${config.batchSize}, (s+1)·${config.batchSize})`,
      heldOut: { validationSeed: config.validationSeed, reportSeed: config.reportSeed },
      schemaVersion: SCHEMA_VERSION,
      vocabularyFingerprint: VOCABULARY_FINGERPRINT,
      optimizer: `Adam(${config.lr}, 0.9, 0.999), ${config.warmupSteps} warm-up steps, cosine to ${config.lr * config.finalLrFraction}, clip ${config.clipNorm}, l2 ${config.l2}`,
      runtime: 'tfjs wasm + lfe training kernels',
    };
    // The shared loop (util/run-loop): restore, one log row per step, progress, checkpoints.
    const lossAvg = runningMean();
    await runLoop<CaptionerStepStats>({
      trainer,
      workDir,
      steps: config.steps,
      resume: resuming,
      checkpointEvery: config.checkpointEvery,
      progressEvery: 25,
      progress,
      provenance: () => ({ ...baseProvenance, date: new Date().toISOString() }),
      describe: (last) => {
        return `token NLL ${lossAvg(last.tokenNll).toFixed(4)} (caption ${last.loss.toFixed(2)}) |g| ${last.gradNorm.toFixed(2)} lr ${last.lr.toExponential(2)}`;
      },
      shouldStop: () => opts.shouldStop?.() ?? false,
      afterStep: (last) => {
        const s = last.step;
        if (config.validateEvery > 0 && s % config.validateEvery === 0) {
          const v = evaluateCaptioner(trainer.captioner, { seed: config.validationSeed, n: config.validateN, mix: config, examples: 3 });
          appendFileSync(logFile, `${JSON.stringify({ step: s, validation: { tokenAccuracy: v.tokenAccuracy, tokenNll: v.tokenNll, meanPrecision: v.meanPrecision, meanRecall: v.meanRecall, examples: v.examples } })}\n`);
          progress(`validation @${s}: token accuracy ${(100 * v.tokenAccuracy).toFixed(2)} %, mean precision ${(100 * v.meanPrecision).toFixed(1)} %, mean recall ${(100 * v.meanRecall).toFixed(1)} %; e.g. "${v.examples[0]?.decoded.en ?? ''}" for "${v.examples[0]?.truth ?? ''}"`);
        }
      },
    });
    if (trainer.step < config.steps) {
      progress(`stopped at step ${trainer.step}/${config.steps}; resume with --resume`);
      return null;
    }
    const seconds = loggedSeconds(workDir);
    const provenance: Provenance = { ...baseProvenance, steps: trainer.step, date: new Date().toISOString(), trainingSeconds: Math.round(seconds) };
    const f32Dir = join(workDir, 'export-float32');
    const f16Dir = join(workDir, 'export-float16');
    trainer.captioner.save(f32Dir, provenance, 'float32');
    trainer.captioner.save(f16Dir, provenance, 'float16');
    const reports: Record<WeightDtype, CaptionerReport> = { float32: evalDir(f32Dir, config), float16: evalDir(f16Dir, config) };
    const choice = chooseDtype(reports.float32, reports.float16);
    const final: CaptionerFinalReport = {
      shipped: reports[choice.dtype],
      dtype: choice.dtype,
      float32: reports.float32,
      float16: reports.float16,
      dtypeDecision: choice.why,
      training: {
        steps: trainer.step,
        batchSize: config.batchSize,
        captions: trainer.step * config.batchSize,
        seconds,
        seed: config.seed,
        validationSeed: config.validationSeed,
        reportSeed: config.reportSeed,
        parameters: trainer.captioner.parameterCount(),
      },
      provenance: { ...provenance, dtype: choice.dtype },
    };
    trainer.captioner.save(outDir, final.provenance, choice.dtype);
    writeFileSync(join(outDir, 'report.json'), `${JSON.stringify(final, null, 2)}\n`);
    progress(`\n${formatCaptionerReport(final.shipped)}\n\nshipped ${choice.dtype} (${choice.why}) to ${outDir}`);
    return final;
  } finally {
    trainer.dispose();
  }
}

function evalDir(dir: string, config: CaptionerTrainConfig): CaptionerReport {
  const m = Captioner.load(dir);
  try {
    return evaluateCaptioner(m, { seed: config.reportSeed, n: config.reportN, mix: config });
  } finally {
    m.dispose();
  }
}
