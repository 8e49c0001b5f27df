export { fofe } from './fofe';
export { lstmStep } from './lstm';
export { TextEncoder } from './text-encoder';
export type { TextEncoderConfig } from './text-encoder';
export { Fusion } from './fusion';
export type { FusionConfig, FusionMode } from './fusion';
export { DEFAULT_EDIT_REFINE, LatentOffsetOptimiser, captionOffsetOptimiser, editRefiner, editTargetCaption, optimiseLatentOffset, readFaces, refineEditLatent, refineEdits } from './edit-refine';
export type { CaptionTarget, EditRefineOptions, LatentOffsetOptions } from './edit-refine';
