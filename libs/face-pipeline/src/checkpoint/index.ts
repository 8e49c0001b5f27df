export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION } from './checkpoint';
export type { CheckpointManifest, LoadOptions, LoadedCheckpoint, NamedArray, Provenance, SaveOptions, TensorEntry, WeightDtype } from './checkpoint';
export { CheckpointError } from './errors';
export { encodeFloat16, decodeFloat16 } from './float16';
