export { TEMPLATE, alignmentFromLandmarks, cropAligned, cropToFrame, pasteAligned } from './align';
export type { Alignment, FaceTemplate, PasteOptions, Point, RgbImageLike } from './align';
export { applyRegionMask, editedAttributes, regionMask } from './regions';
export { FACE_API_CALIBRATION, FaceTracker, alignmentFromFix, loadFaceApi } from './tracker';
export type { DetectedFace, FaceFix, TrackerOptions } from './tracker';
export { DEFAULT_DESCRIPTOR_CROP, DESCRIPTOR_INPUT, FaceDescriptor, descriptorDistance } from './descriptor';
export type { DescriptorOptions } from './descriptor';
export { FRAMING_FILE, alignPhotoFace, loadFraming, readRgbImage } from './photo-face';
export type { AlignedPhotoFace } from './photo-face';
