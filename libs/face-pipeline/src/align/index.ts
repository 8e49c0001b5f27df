export { TEMPLATE, alignmentFromLandmarks, cropAligned, cropToFrame } from './align';
export type { Alignment, FaceTemplate, Point, RgbImageLike } from './align';
export { FRAMING_FILE, alignPhotoFace, loadFraming, readRgbImage } from './photo-face';
export type { AlignedPhotoFace } from './photo-face';
