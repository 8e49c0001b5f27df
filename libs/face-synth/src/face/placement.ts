import type { FaceDescription } from '@lfe/edit-language';

/** Where the face goes in the picture: centre and size in pixels, roll in radians. */
export interface Placement {
  cx: number;
  cy: number;
  /** Pixels per local unit; the face oval is about one unit tall. */
  unit: number;
  roll: number;
}

/** headRoll 0 / 1 = ∓12° (schema); far inside the ≤ 30° a face detector tolerates. */
const MAX_ROLL = (12 * Math.PI) / 180;

/** Placement of a square portrait: head ≈ 60 % of the frame, jittered by the identity's head traits. */
export function portraitPlacement(desc: FaceDescription, size: number): Placement {
  const id = desc.identity;
  return {
    cx: size * (0.5 + (id.headX - 0.5) * 0.14),
    cy: size * (0.55 + (id.headY - 0.5) * 0.1),
    unit: size * 0.54 * (0.88 + 0.24 * id.headScale),
    roll: (id.headRoll - 0.5) * 2 * MAX_ROLL,
  };
}

