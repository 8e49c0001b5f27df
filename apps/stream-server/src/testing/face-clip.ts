import type { FaceDescription } from '@lfe/edit-language';
import { TestClip, hashInts, sample } from '@lfe/face-synth';
import { stampFrameNumber } from '@lfe/protocol';
import type { RgbFrame } from '@lfe/media';

/**
 * A publisher source that sends a moving rendered face (face-synth's test clip, no glasses or hat
 * so an "add glasses" shows) with the frame number stamped in: what a camera pointed at a person
 * gives the face pipeline.
 */
export function faceClipSource(width: number, height: number, fps = 30, seed = 3): { source: (n: number) => RgbFrame; face: FaceDescription; clip: TestClip } {
  const base = sample(hashInts(seed, 0));
  const face: FaceDescription = { attributes: { ...base.attributes, eyewear: 0, hat: 0 }, identity: base.identity };
  const clip = new TestClip(face, { width, height, fps });
  return { face, clip, source: stampedSource((n) => clip.frame(n)) };
}

/** A publisher source from a clip's frames: each copied into its own buffer with the frame number stamped in. */
export function stampedSource(frame: (n: number) => { width: number; height: number; data: Uint8Array }): (n: number) => RgbFrame {
  return (n) => {
    const img = frame(n);
    const out = { width: img.width, height: img.height, data: Buffer.from(img.data) };
    stampFrameNumber(out, n);
    return out;
  };
}
