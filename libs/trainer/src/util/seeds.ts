/**
 * Deterministic seeds from (run seed, step, purpose): every random draw of a training step is a
 * function of these, so a resumed run replays exactly what an uninterrupted one would have done.
 */
export function stepSeed(seed: number, step: number, purpose: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(step + 1, 0xc2b2ae35) ^ Math.imul(purpose + 7, 0x27d4eb2f)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uniform float in [0, 1) from a seed. */
export function uniform(seed: number): number {
  return stepSeed(seed, 0, 99) / 4294967296;
}
