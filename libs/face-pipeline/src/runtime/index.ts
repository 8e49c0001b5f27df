export { initRuntime, runtimeReport, BACKEND_ORDER } from './init-runtime';
export type { BackendName, InitRuntimeOptions, RuntimeAttempt, RuntimeReport } from './init-runtime';
export { registerTrainingKernels, unregisterTrainingKernels, trainingKernelsRegistered, TRAINING_KERNELS } from './wasm-kernels/register';
export type { KernelRegistrationReport } from './wasm-kernels/register';
export { BackendUnavailableError, UnsupportedKernelInputError } from './errors';
export { ParamStore, dense, lrelu, pixelNorm, convScale } from './params';
