export { Editor, commandIds } from './editor';
export type { EditOptions, EditorParts } from './editor';
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
