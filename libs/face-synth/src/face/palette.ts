import type { Rgb } from '../raster/raster';

/** Skin from lightest (skinTone 0) to darkest (1). */
export const SKIN_RAMP: readonly Rgb[] = [
  [242, 212, 190],
  [224, 178, 145],
  [190, 136, 98],
  [145, 95, 64],
  [92, 60, 42],
];

/** Hair colours in the schema's level order: black, brown, blond, red, gray. */
export const HAIR_COLORS: readonly Rgb[] = [
  [28, 24, 24],
  [98, 60, 34],
  [222, 186, 112],
  [176, 66, 30],
  [170, 170, 174],
];

/** Iris colours in the schema's level order: brown, blue, green. */
export const EYE_COLORS: readonly Rgb[] = [
  [96, 56, 28],
  [60, 120, 200],
  [60, 150, 70],
];

/** Mixed with the skin's own shadow colour for unpainted lips. */
export const NATURAL_LIP: Rgb = [170, 70, 75];
export const LIPSTICK: Rgb = [200, 16, 52];
export const MOUTH_INSIDE: Rgb = [62, 14, 22];
export const TEETH: Rgb = [246, 244, 236];
export const EYE_WHITE: Rgb = [246, 246, 244];
export const PUPIL: Rgb = [12, 10, 10];
export const SUNGLASS_TINT: Rgb = [16, 18, 24];

export const FRAME_COLORS: readonly Rgb[] = [
  [20, 20, 22],
  [70, 40, 24],
  [40, 40, 90],
  [110, 20, 30],
];

export const EARRING_COLORS: readonly Rgb[] = [
  [238, 196, 60],
  [222, 222, 232],
  [40, 206, 206],
  [236, 60, 150],
];
