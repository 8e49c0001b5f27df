/** Public API of @lfe/face-pipeline. */
export * from './runtime/index';
