export { LiveFaceEditor } from './live-editor';
export { LocalFaceModel } from './face-model';
export type { FaceModel, LocalFaceModelOptions, ModelJob, ModelOutput, ModelStages, ModelTarget } from './face-model';
export { ThreadFaceModel } from './face-model-worker';
export type { ModelWorkerInit } from './face-model-protocol';
export type { LiveComposite, LiveEditOptions, LiveResult, StageTimes } from './live-options';
export { EditWorker, EditWorkerError } from './edit-worker';
export type { WorkerInit } from './edit-worker-protocol';
