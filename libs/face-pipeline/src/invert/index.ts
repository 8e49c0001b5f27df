export { invertLatent } from './invert';
export type { InvertOptions } from './invert';
export { Encoder, DEFAULT_ENCODER_CONFIG, validateEncoderConfig } from './encoder';
export type { EncoderConfig } from './encoder';
