import type { FaceDescription } from '@lfe/edit-language';
import { faceLayout } from './layout';
import { nuisanceOf, type Nuisance } from './nuisance';
import type { Placement } from './placement';
import { checkDescription } from './validate';

export interface Point {
  x: number;
  y: number;
}

/** Ground-truth positions in pixels of a rendered face (for alignment and tracking tests). */
export interface FaceLandmarks {
  /** The eye on the left of the image, then the one on the right. */
  leftEye: Point;
  rightEye: Point;
  noseTip: Point;
  mouth: Point;
  chin: Point;
  /** Axis-aligned box around the face oval (skin only, no hair). */
  box: { x: number; y: number; width: number; height: number };
}

export function faceLandmarks(
  description: FaceDescription,
  placement: Placement,
  nuisance: Partial<Nuisance> = {},
): FaceLandmarks {
  const desc = checkDescription(description);
  const L = faceLayout(desc, { ...nuisanceOf(desc.identity), ...nuisance });
  const c = Math.cos(placement.roll);
  const s = Math.sin(placement.roll);
  const at = (x: number, y: number): Point => ({
    x: placement.cx + placement.unit * (c * x - s * y),
    y: placement.cy + placement.unit * (s * x + c * y),
  });
  const corners = [at(L.hx - L.fw, -L.ryTop), at(L.hx + L.fw, -L.ryTop), at(L.hx - L.fw, L.ryBottom), at(L.hx + L.fw, L.ryBottom)];
  const xs = corners.map((p) => p.x);
  const ys = corners.map((p) => p.y);
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  return {
    leftEye: at(L.eyeXs[0], L.eyeY),
    rightEye: at(L.eyeXs[1], L.eyeY),
    noseTip: at(L.noseX, L.noseTipY),
    mouth: at(L.mouthX, L.mouthY),
    chin: at(L.hx, L.chinY),
    box: { x: x0, y: y0, width: Math.max(...xs) - x0, height: Math.max(...ys) - y0 },
  };
}
