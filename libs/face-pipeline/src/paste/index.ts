export { pasteAligned } from './paste';
export type { PasteOptions } from './paste';
export { applyRegionMask, editedAttributes, regionMask } from './regions';
