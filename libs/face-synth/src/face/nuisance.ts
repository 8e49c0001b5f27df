import { IDENTITY_TRAIT_NAMES, type IdentityTraits } from '@lfe/edit-language';
import { hashFloats, Rng } from '../random';

/**
 * Everything about a picture that the schema does not name: pose, light, clothes, accessory colours.
 * It is derived from the identity alone, so editing an attribute never changes the lighting or the
 * shirt (an edit must only change what it names), yet two identities never look identically lit.
 */
export interface Nuisance {
  /** Head turn, −1…1 (features shift sideways by up to ~0.05 face heights). */
  yaw: number;
  /** Head nod, −1…1. */
  pitch: number;
  /** Direction the light comes from, radians in the image plane (0 = from the right, −π/2 = from above). */
  lightAngle: number;
  /** Diffuse share of the shading, 0.3…0.55. */
  lightStrength: number;
  /** Global exposure factor. */
  exposure: number;
  /** Colour temperature, −1 (cool) … 1 (warm). */
  warmth: number;
  shirtHue: number;
  shirtLightness: number;
  hatHue: number;
  /** Index into FRAME_COLORS / EARRING_COLORS. */
  frameColor: number;
  earringColor: number;
  /** −1 or 1: the side of the hair parting. */
  hairPart: number;
  hairPhase: number;
  backgroundSaturation: number;
  backgroundLightness: number;
  /** Gaze, −1…1 horizontally. */
  gaze: number;
  noiseSeed: number;
}

export function nuisanceOf(identity: IdentityTraits): Nuisance {
  const rng = new Rng(hashFloats(IDENTITY_TRAIT_NAMES.map((n) => identity[n])));
  return {
    yaw: rng.uniform(-1, 1),
    pitch: rng.uniform(-1, 1),
    lightAngle: -Math.PI / 2 + rng.uniform(-1.1, 1.1),
    lightStrength: rng.uniform(0.3, 0.55),
    exposure: rng.uniform(0.9, 1.08),
    warmth: rng.uniform(-1, 1),
    shirtHue: rng.next(),
    shirtLightness: rng.uniform(0.25, 0.7),
    hatHue: rng.next(),
    frameColor: rng.int(4),
    earringColor: rng.int(4),
    hairPart: rng.chance(0.5) ? 1 : -1,
    hairPhase: rng.uniform(0, Math.PI * 2),
    backgroundSaturation: rng.uniform(0.3, 0.55),
    backgroundLightness: rng.uniform(-0.06, 0.06),
    gaze: rng.uniform(-0.6, 0.6),
    noiseSeed: rng.int(0x7fffffff),
  };
}
