export { ImageDecodeError, ImageTooLargeError, MAX_PHOTO_PIXELS, decodeImage, encodeImage, formatFromPath, type ImageFormat } from './image-io';
export { NoFaceError, PhotoEditor, type PhotoEditRequest, type PhotoEditResult, type PhotoEditorOptions, type PhotoFaceResult } from './photo-editor';
export { PhotoEditError, PhotoWorker, type PhotoEditOutput } from './photo-worker';
export type { PhotoErrorKind, PhotoWorkerInit } from './photo-worker-protocol';
