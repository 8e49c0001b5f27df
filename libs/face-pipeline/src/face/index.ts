export { TEMPLATE, alignmentFromLandmarks, cropAligned, cropToFrame, pasteAligned } from './align';
export type { Alignment, PasteOptions, Point, RgbImageLike } from './align';
export { applyRegionMask, editedAttributes, regionMask } from './regions';
export { FACE_API_CALIBRATION, FaceTracker, alignmentFromFix, loadFaceApi } from './tracker';
export type { FaceFix, TrackerOptions } from './tracker';
