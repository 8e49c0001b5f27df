import type { FaceAttributes, FaceDescription, IdentityTraits } from '@lfe/edit-language';
import { valueOfLevel } from '@lfe/edit-language';
import { Rng } from '../random';

/**
 * Level probabilities. Correlations follow the real world loosely (beards and moustaches mostly on
 * men, lipstick and earrings mostly on women, grey hair mostly when old) but every level keeps a
 * few percent on both sides so edits like "add a beard" to a woman have examples to learn from.
 */
const MAN = 1;

/** Half-width of the jitter around an ordinal level's centre, as a fraction of the bin width.
 * Values stay in the middle 40 % of their bin: adjacent levels are 0.6 bin apart, which at 64 px is
 * about one pixel of eye height or brow thickness (with ±0.25 the judge read eye size at 79 %). */
const ORDINAL_JITTER = 0.2;

function ordinal(rng: Rng, weights: readonly number[]): number {
  const level = rng.weighted(weights);
  const n = weights.length;
  return (level + 0.5 + rng.uniform(-ORDINAL_JITTER, ORDINAL_JITTER)) / n;
}

function binary(rng: Rng, p: number): number {
  return rng.chance(p) ? 1 : 0;
}

/** Background hues avoid the orange band of skin colours (a face must contrast with its background). */
const SKIN_HUE_LO = 0.0;
const SKIN_HUE_HI = 0.13;

function sampleIdentity(rng: Rng): IdentityTraits {
  const bg = rng.uniform(SKIN_HUE_HI, 1 + SKIN_HUE_LO - 0.03);
  return {
    gender: rng.chance(0.5) ? MAN : 0,
    skinTone: rng.next(),
    faceWidth: rng.next(),
    noseSize: rng.next(),
    eyeColor: rng.weighted([0.5, 0.25, 0.25]),
    headX: rng.next(),
    headY: rng.next(),
    headScale: rng.next(),
    headRoll: rng.next(),
    background: bg % 1,
  };
}

function sampleAttributes(rng: Rng, identity: IdentityTraits): FaceAttributes {
  const man = identity.gender === MAN;
  const age = binary(rng, 0.3);
  const grayWeight = age === 1 ? 0.6 : 0.06;
  return {
    hairLength: ordinal(rng, man ? [0.6, 0.3, 0.1] : [0.12, 0.33, 0.55]),
    hairColor: rng.weighted([0.26, 0.32, 0.22, 0.12, grayWeight]),
    bangs: binary(rng, man ? 0.2 : 0.4),
    curlyHair: binary(rng, 0.3),
    eyeSize: ordinal(rng, [0.3, 0.4, 0.3]),
    eyewear: rng.weighted([0.5, 0.25, 0.25]),
    expression: rng.weighted([0.4, 0.35, 0.25]),
    beard: binary(rng, man ? 0.42 : 0.04),
    moustache: binary(rng, man ? 0.4 : 0.04),
    lipstick: binary(rng, man ? 0.05 : 0.45),
    eyebrows: ordinal(rng, man ? [0.2, 0.4, 0.4] : [0.4, 0.4, 0.2]),
    age,
    hat: binary(rng, 0.25),
    earrings: binary(rng, man ? 0.08 : 0.45),
  };
}

/** A random face of our world, a pure function of `seed` (any 32-bit integer). */
export function sample(seed: number): FaceDescription {
  if (!Number.isFinite(seed)) throw new TypeError('sample: seed must be a finite number');
  const rng = new Rng(seed);
  const identity = sampleIdentity(rng);
  const attributes = sampleAttributes(rng, identity);
  return { attributes, identity };
}

/** The neutral face of an identity: every attribute at its schema default level. */
export function neutralAttributes(): FaceAttributes {
  return {
    hairLength: valueOfLevel('hairLength', 1),
    hairColor: valueOfLevel('hairColor', 1),
    bangs: 0,
    curlyHair: 0,
    eyeSize: valueOfLevel('eyeSize', 1),
    eyewear: 0,
    expression: 0,
    beard: 0,
    moustache: 0,
    lipstick: 0,
    eyebrows: valueOfLevel('eyebrows', 1),
    age: 0,
    hat: 0,
    earrings: 0,
  };
}
