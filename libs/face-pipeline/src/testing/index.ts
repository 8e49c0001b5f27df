export { TINY_GENERATOR, writeTinyEditorBundle } from './tiny-editor';
