export { Editor, commandIds, invertLatent } from './editor';
export type { EditOptions, EditorParts, InvertOptions } from './editor';
export {
  ENCODER_KIND,
  FUSION_KIND,
  TEXT_ENCODER_KIND,
  loadEncoder,
  loadFusion,
  loadTextEncoder,
  readEditorInfo,
  checkVariantEncoder,
  saveEncoder,
  saveFusion,
  saveTextEncoder,
  validateFusionConfig,
  writeEditorInfo,
} from './editor-checkpoint';
export type { EditorBundleInfo } from './editor-checkpoint';
export { DEFAULT_EDIT_REFINE, LatentOffsetOptimiser, captionOffsetOptimiser, editRefiner, editTargetCaption, optimiseLatentOffset, readFaces, refineEditLatent, refineEdits } from './edit-refine';
export type { CaptionTarget, EditRefineOptions, LatentOffsetOptions } from './edit-refine';
