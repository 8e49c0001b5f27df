/** Public API of @lfe/face-pipeline, by stage of the frame path (README "Layout"). */
export * from './runtime/index';
export * from './checkpoint/index';
export * from './captioner/index';
export * from './detect/index';
export * from './align/index';
export * from './invert/index';
export * from './fuse/index';
export * from './generate/index';
export * from './paste/index';
export * from './temporal/index';
export * from './editor/index';
export * from './live/index';
export * from './photo/index';
export * from './video/index';
export * from './models/index';
