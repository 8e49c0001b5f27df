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
  return {
    face,
    clip,
    source: (n) => {
      const img = clip.frame(n);
      const frame = { width, height, data: Buffer.from(img.data) };
      stampFrameNumber(frame, n);
      return frame;
    },
  };
}
