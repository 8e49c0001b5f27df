/** Public API of @lfe/face-pipeline. */
export * from './runtime/index';
export * from './checkpoint/index';
export * from './models/index';
export * from './captioner/index';
export * from './editor/index';
export * from './face/index';
export * from './temporal/index';
export * from './live/index';
export * from './photo/index';
export * from './video/index';
