export { Generator, DEFAULT_GENERATOR_CONFIG, blockResolutions, channelsAt, numWs, validateGeneratorConfig } from './generator';
export type { GeneratorConfig, NoiseMode, SynthesisOptions } from './generator';
export { saveGenerator, loadGenerator, toUint8, GENERATOR_KIND } from './generator-checkpoint';
export { modulatedConv } from './modulated-conv';
