export { ImageDecodeError, ImageTooLargeError, MAX_PHOTO_PIXELS, decodeImage, encodeImage, formatFromPath, type ImageFormat } from './image-io';
export { NoFaceError, PhotoEditor, type PhotoEditRequest, type PhotoEditResult, type PhotoEditorOptions, type PhotoFaceResult } from './photo-editor';
