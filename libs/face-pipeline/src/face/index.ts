export { TEMPLATE, alignmentFromLandmarks, cropAligned, cropToFrame, pasteAligned } from './align';
export type { Alignment, PasteOptions, Point, RgbImageLike } from './align';
export { FaceTracker, loadFaceApi } from './tracker';
export type { FaceFix, TrackerOptions } from './tracker';
