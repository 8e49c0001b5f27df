export { TINY_CAPTIONER, TINY_GENERATOR, writeTinyEditorBundle } from './tiny-editor';
export { composePhoto, realTestFace } from './real-photo';
