import type { RgbFrame } from '@lfe/media';
import { stampedSource } from './face-clip';
import { RealFaceClip, firstFullSizeFaceWithout, loadFullSizeFace } from '@lfe/realface';

/**
 * A publisher source that sends a real test face (made at run time from the shared data set, never
 * stored) panned, zoomed and turned over a background (`RealFaceClip`), with the frame number
 * stamped in: what a camera pointed at a real person gives the face pipeline. The face: `face`, else
 * the first full-size test face without glasses (so "add glasses" is a visible change).
 */
export async function realFaceClipSource(width: number, height: number, fps = 30, opts: { face?: number; data?: string } = {}): Promise<{ source: (n: number) => RgbFrame; face: number; clip: RealFaceClip }> {
  const face = opts.face ?? firstFullSizeFaceWithout('Eyeglasses', opts.data !== undefined ? { data: opts.data } : {});
  const clip = new RealFaceClip(await loadFullSizeFace(face, opts.data !== undefined ? { data: opts.data } : {}), { width, height, fps });
  return { face, clip, source: stampedSource((n) => clip.frame(n)) };
}
