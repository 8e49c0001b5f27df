/** Public API of @lfe/trainer: training stages behind `nx run trainer:<stage>`. */
export { GanTrainer, GAN_STATE_KIND } from './gan/gan-trainer';
export type { StepStats, RunProvenance } from './gan/gan-trainer';
export { resolveGanConfig, DEFAULT_GAN_CONFIG } from './gan/gan-config';
export type { GanConfig, DataConfig } from './gan/gan-config';
export { Discriminator } from './gan/discriminator';
export { SyntheticFaceSource, DatasetSource } from './gan/image-source';
export type { ImageSource } from './gan/image-source';
export { runGan } from './gan/run-gan';
export { encodePng, imageGrid } from './util/png';
export { Judge, DEFAULT_JUDGE_CONFIG } from './judge/judge';
export type { JudgeVerdict, JudgeConfig } from './judge/judge';
export { frechetDistance, frechetDistanceFromStats, gaussianStats } from './judge/frechet';
export { fdRealReal } from './judge/fd-real-real';
export { evaluateJudge, formatReport } from './judge/evaluate';
export type { JudgeReport } from './judge/evaluate';
export { evaluateGan, formatGanReport } from './eval/eval-gan';
export type { GanEvalReport } from './eval/eval-gan';
