export { LiveFaceEditor } from './live-editor';
export type { LiveEditOptions, LiveResult, StageTimes } from './live-editor';
export { EditWorker, EditWorkerError } from './edit-worker';
export type { WorkerInit } from './edit-worker-protocol';
