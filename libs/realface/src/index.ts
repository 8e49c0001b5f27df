/** Public API of @lfe/realface: real-face data sets (images + CelebA-format labels, fixed split). */
export { RealFaceDataset, RealFaceSplit, decodeFace, type RealFaceBatch, type OpenRealFacesOptions } from './real-face-dataset';
export { parseAttributeFile, readAttributeFile, imageNumber, type AttributeFile } from './attribute-file';
export { loadRealFaceConfig, resolveDataDir, REPO_ROOT, DATASET_CONFIG_FILE, SPLITS, type RealFaceConfig, type SplitName } from './config';
export { RealFaceClip, type RealFaceClipOptions, type RealClipFrameState, type Affine2D } from './clip/real-face-clip';
export { loadFullSizeFace, firstFullSizeFaceWithout } from './clip/full-size-face';
