import { DEFAULT_GENERATOR_CONFIG, validateGeneratorConfig, type GeneratorConfig } from '@lfe/face-pipeline';
import type { DiscriminatorConfig } from './discriminator';

export type DataConfig =
  | { kind: 'synthetic'; seed: number }
  | { kind: 'dataset'; dir: string }
  | { kind: 'folder'; dir: string; index?: string }
  /** The real faces' train split (`@lfe/realface`, training/realface/dataset.json), with random flips; `data` = --data DIR. */
  | { kind: 'realface'; data?: string };

/** Everything a GAN run depends on; saved with the run so `--resume` needs nothing else. */
export interface GanConfig {
  generator: GeneratorConfig;
  discriminator: Omit<DiscriminatorConfig, 'resolution'>;
  data: DataConfig;
  seed: number;
  batchSize: number;
  steps: number;
  /** Adam as in StyleGAN2: lr 0.002, β1 = 0, β2 = 0.99. */
  lr: number;
  beta1: number;
  beta2: number;
  /** R1 weight γ; the penalty is (γ/2)·E‖∇D(real)‖², applied every `r1Interval` steps (lazy), scaled by the interval. */
  r1Gamma: number;
  r1Interval: number;
  /** EMA of G weights: half-life in images, ramped up over the first `emaRampup` × images seen. */
  emaHalfLifeImages: number;
  emaRampup: number;
  styleMixingProb: number;
  wAvgBeta: number;
  /**
   * Reconstruction-assisted training, off while `weight` is 0: an encoder E (face-pipeline's
   * inversion encoder) maps real images to W+ and G must redraw them: every `every` steps, E and
   * G's synthesis network also minimise weight · mean|G(E(x)) − x| on the real batch (noise off).
   * A supervised signal for the parts adversarial training learns last (eyes, mouths). It can be
   * switched on when resuming a run that had it off (E starts fresh).
   */
  recon: { weight: number; every: number };
  logEvery: number;
  sampleEvery: number;
  checkpointEvery: number;
}

export const DEFAULT_GAN_CONFIG: GanConfig = {
  generator: { ...DEFAULT_GENERATOR_CONFIG, channelBase: 1024, channelMax: 128 },
  discriminator: { channelBase: 1024, channelMax: 128, mbstdGroup: 4 },
  data: { kind: 'synthetic', seed: 1 },
  seed: 1,
  batchSize: 16,
  steps: 20_000,
  lr: 0.002,
  beta1: 0,
  beta2: 0.99,
  // StyleGAN2-ADA's heuristic γ = 0.0002 · resolution² / batch: 0.05 at 64 px, batch 16.
  r1Gamma: 0.05,
  r1Interval: 16,
  emaHalfLifeImages: 10_000,
  emaRampup: 0.05,
  styleMixingProb: 0.9,
  wAvgBeta: 0.995,
  recon: { weight: 0, every: 4 },
  logEvery: 10,
  sampleEvery: 500,
  checkpointEvery: 100,
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merge a user config over the defaults and validate it; errors name the field. */
export function resolveGanConfig(user: unknown): GanConfig {
  if (user !== undefined && !isObject(user)) throw new TypeError('gan config: must be a JSON object');
  const u = (user ?? {}) as Partial<GanConfig> & Record<string, unknown>;
  const known = new Set(Object.keys(DEFAULT_GAN_CONFIG));
  for (const k of Object.keys(u)) if (!known.has(k)) throw new TypeError(`gan config: unknown field "${k}"`);
  const c: GanConfig = {
    ...DEFAULT_GAN_CONFIG,
    ...u,
    generator: validateGeneratorConfig({ ...DEFAULT_GAN_CONFIG.generator, ...(u.generator ?? {}) }),
    discriminator: { ...DEFAULT_GAN_CONFIG.discriminator, ...(u.discriminator ?? {}) },
    data: (u.data ?? DEFAULT_GAN_CONFIG.data) as DataConfig,
    recon: { ...DEFAULT_GAN_CONFIG.recon, ...(u.recon ?? {}) },
  };
  const posInt = ['batchSize', 'steps', 'r1Interval', 'logEvery', 'sampleEvery', 'checkpointEvery'] as const;
  for (const k of posInt) if (!Number.isInteger(c[k]) || c[k] < 1) throw new TypeError(`gan config: ${k} must be a positive integer`);
  for (const k of ['lr', 'emaHalfLifeImages'] as const) if (!(c[k] > 0)) throw new TypeError(`gan config: ${k} must be > 0`);
  for (const k of ['beta1', 'beta2', 'styleMixingProb', 'wAvgBeta', 'emaRampup'] as const) if (!(c[k] >= 0 && c[k] < 1.0001)) throw new TypeError(`gan config: ${k} must be in [0, 1]`);
  if (!(c.r1Gamma >= 0)) throw new TypeError('gan config: r1Gamma must be ≥ 0');
  if (!(c.recon.weight >= 0)) throw new TypeError('gan config: recon.weight must be ≥ 0');
  if (!Number.isInteger(c.recon.every) || c.recon.every < 1) throw new TypeError('gan config: recon.every must be a positive integer');
  if (c.batchSize % Math.min(c.discriminator.mbstdGroup, c.batchSize) !== 0) throw new TypeError('gan config: batchSize must be a multiple of discriminator.mbstdGroup');
  if (!['synthetic', 'dataset', 'folder', 'realface'].includes(c.data.kind)) throw new TypeError('gan config: data.kind must be synthetic, dataset, folder or realface');
  return c;
}
