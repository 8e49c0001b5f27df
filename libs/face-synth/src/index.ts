/** Public API of @lfe/face-synth: procedural faces with ground-truth attributes. */
export { sample, neutralAttributes } from './face/sample';
export { render, drawFace, MIN_SIZE, MAX_SIZE, RENDERER_VERSION, type RgbImage, type RenderOptions } from './face/render';
export { portraitPlacement, type Placement } from './face/placement';
export { faceLandmarks, type FaceLandmarks, type Point } from './face/landmarks';
export { nuisanceOf, type Nuisance } from './face/nuisance';
export { checkDescription } from './face/validate';
export { Raster, type Rgb } from './raster/raster';
export { Rng, hashInts } from './random';
export { BadRecordError, CorruptShardError, DatasetError, ImageDecodeError, ManifestError } from './errors';
export type { Batch, BatchOptions, FaceDataset } from './dataset/batch';
export { DATASET_FORMAT, readManifest, type CaptionKind, type DatasetManifest, type ShardEntry } from './dataset/manifest';
export { DEFAULT_CAPTIONS, datasetCaptions, datasetFace, writeDataset, type WriteDatasetOptions } from './dataset/writer';
export { openDataset, ShardDataset } from './dataset/shard-dataset';
export { openImageFolder, ImageFolderDataset, parseImageIndex, type ImageFolderEntry, type ImageFolderOptions } from './dataset/image-folder-dataset';
export { TestClip, stampFrameNumber, readFrameNumber, STAMP_BITS, type ClipOptions, type ClipFrameState } from './clip/test-clip';
export { y4mHeader, y4mFrame } from './clip/y4m';
