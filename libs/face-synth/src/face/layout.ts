import type { FaceDescription } from '@lfe/edit-language';
import type { Nuisance } from './nuisance';

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Where the parts of a face sit, in local units (face oval centred at the origin, one unit tall,
 * y down). One function so the renderer and the ground-truth landmarks can never disagree.
 */
export interface FaceLayout {
  /** Half width of the face oval; its upper and lower half heights; jaw squareness 0…1. */
  fw: number;
  ryTop: number;
  ryBottom: number;
  jaw: number;
  /** Horizontal shift of the skull and of the features (head turn), vertical shift (nod). */
  hx: number;
  fx: number;
  fy: number;
  /** Eye scale factor, eye centres (left then right in the image), eye radii. */
  eyeScale: number;
  eyeY: number;
  eyeDx: number;
  eyeXs: readonly [number, number];
  eyeRx: number;
  eyeRy: number;
  noseX: number;
  noseTipY: number;
  noseLength: number;
  noseWidth: number;
  mouthX: number;
  mouthY: number;
  mouthHalfWidth: number;
  chinY: number;
}

export function faceLayout(desc: FaceDescription, nz: Nuisance): FaceLayout {
  const a = desc.attributes;
  const id = desc.identity;
  const man = clamp01(id.gender);
  const fw = 0.37 + 0.08 * id.faceWidth + 0.02 * man;
  // A turned head moves its features sideways (the nose most), a nod moves them vertically.
  const fx = nz.yaw * 0.045;
  const fy = nz.pitch * 0.03;
  const hx = fx * 0.3; // the skull moves less than the features
  // Eye size reads mostly as eye height (the opening), so height takes most of the range.
  const eyeScale = 0.5 + 1.2 * clamp01(a.eyeSize);
  const eyeDx = 0.165 + 0.015 * id.faceWidth;
  const ns = clamp01(id.noseSize);
  const noseLength = 0.1 + 0.08 * ns;
  const ryBottom = 0.54 - 0.02 * man;
  return {
    fw,
    ryTop: 0.5,
    ryBottom,
    jaw: 0.55 * man,
    hx,
    fx,
    fy,
    eyeScale,
    eyeY: -0.04 + fy,
    eyeDx,
    eyeXs: [hx + fx - eyeDx, hx + fx + eyeDx],
    eyeRx: 0.085 * (0.6 + 0.4 * eyeScale),
    eyeRy: 0.05 * eyeScale,
    noseX: hx + fx * 1.5,
    noseTipY: 0.03 + noseLength + fy,
    noseLength,
    noseWidth: 0.032 + 0.03 * ns,
    mouthX: hx + fx,
    mouthY: 0.29 + fy,
    mouthHalfWidth: 0.125 + 0.015 * man,
    chinY: ryBottom,
  };
}
