/** The parts of a VP8 RTP payload descriptor (RFC 7741 §4.2) the receive path needs. */
export interface Vp8Descriptor {
  /** S = 1 and partition index 0: the first packet of a frame. */
  frameStart: boolean;
  /** PictureID when present (I = 1), with its width (7 or 15 bits). */
  pictureId: { id: number; bits: 7 | 15 } | undefined;
  /** Bytes of descriptor before the VP8 payload. */
  length: number;
}

/** Parses the descriptor at the start of a VP8 RTP payload; undefined when it is truncated. */
export function parseVp8Descriptor(payload: Uint8Array): Vp8Descriptor | undefined {
  const b0 = payload[0];
  if (b0 === undefined) return undefined;
  const frameStart = (b0 & 0x10) !== 0 && (b0 & 0x07) === 0;
  let offset = 1;
  let pictureId: Vp8Descriptor['pictureId'];
  if ((b0 & 0x80) !== 0) {
    const x = payload[offset++];
    if (x === undefined) return undefined;
    if ((x & 0x80) !== 0) {
      const p0 = payload[offset++];
      if (p0 === undefined) return undefined;
      if ((p0 & 0x80) !== 0) {
        const p1 = payload[offset++];
        if (p1 === undefined) return undefined;
        pictureId = { id: ((p0 & 0x7f) << 8) | p1, bits: 15 };
      } else {
        pictureId = { id: p0 & 0x7f, bits: 7 };
      }
    }
    if ((x & 0x40) !== 0) offset++; // L: TL0PICIDX
    if ((x & 0x20) !== 0 || (x & 0x10) !== 0) offset++; // T or K: TID/Y/KEYIDX
    if (offset > payload.length) return undefined;
  }
  return { frameStart, pictureId, length: offset };
}
