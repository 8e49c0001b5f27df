/**
 * The renderer without the dataset and contact-sheet tools (which need @napi-rs/canvas): what a
 * bundled, dependency-free renderer (e.g. libs/trainer-torch's data maker) imports.
 */
export { sample } from './face/sample';
export { render, RENDERER_VERSION, type RgbImage } from './face/render';
export { hashInts } from './random';
