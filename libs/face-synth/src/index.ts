/** Public API of @lfe/face-synth: procedural faces with ground-truth attributes. */
export { sample, neutralAttributes } from './face/sample';
export { render, drawFace, MIN_SIZE, MAX_SIZE, type RgbImage, type RenderOptions } from './face/render';
export { portraitPlacement, type Placement } from './face/placement';
export { faceLandmarks, type FaceLandmarks, type Point } from './face/landmarks';
export { nuisanceOf, type Nuisance } from './face/nuisance';
export { checkDescription } from './face/validate';
export { Raster, type Rgb } from './raster/raster';
export { Rng, hashInts } from './random';
