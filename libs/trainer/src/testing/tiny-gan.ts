import { resolveGanConfig, type GanConfig } from '../gan/gan-config';

/**
 * A tiny 32×32 GAN for tests: the same code path as the real one, small enough for CI. `overrides`
 * sets the run fields a test needs (batch size, R1 interval, sample/checkpoint intervals).
 */
export function tinyGanConfig(overrides: Partial<Pick<GanConfig, 'batchSize' | 'steps' | 'r1Interval' | 'sampleEvery' | 'checkpointEvery'>> = {}): GanConfig {
  return resolveGanConfig({
    generator: { resolution: 32, zDim: 16, wDim: 16, mappingLayers: 2, mappingLrMul: 0.01, channelBase: 128, channelMax: 16 },
    discriminator: { channelBase: 128, channelMax: 16, mbstdGroup: 2 },
    batchSize: 4,
    steps: 20,
    r1Interval: 4,
    ...overrides,
  });
}
