/**
 * VP8 frames → RTP payloads (RFC 7741). werift depacketizes VP8 but does not export a packetizer.
 *
 * Each payload starts with a 4-byte descriptor: X=1, S on the first packet of a frame, PID=0, and a
 * 15-bit PictureID (M=1) so receivers can tell a lost frame from a late one. The RTP marker is set
 * on the last packet of a frame. Sequence numbers and PictureIDs continue across encoder restarts.
 */
export interface Vp8Packet {
  payload: Buffer;
  marker: boolean;
}

export const VP8_DESCRIPTOR_BYTES = 4;

export class Vp8Packetizer {
  #pictureId: number;

  constructor(
    /** Largest RTP payload (descriptor included); 1200 keeps packets under common path MTUs. */
    readonly maxPayload = 1200,
    initialPictureId = 0,
  ) {
    if (!Number.isInteger(maxPayload) || maxPayload <= VP8_DESCRIPTOR_BYTES) {
      throw new TypeError(`vp8: maxPayload must be an integer > ${VP8_DESCRIPTOR_BYTES} (got ${maxPayload})`);
    }
    this.#pictureId = initialPictureId & 0x7fff;
  }

  get pictureId(): number {
    return this.#pictureId;
  }

  /** Split one encoded frame into payloads. An empty frame gives no packets. */
  packetize(frame: Uint8Array): Vp8Packet[] {
    if (frame.length === 0) return [];
    const chunk = this.maxPayload - VP8_DESCRIPTOR_BYTES;
    const count = Math.ceil(frame.length / chunk);
    const pid = this.#pictureId;
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    const out: Vp8Packet[] = [];
    for (let i = 0; i < count; i++) {
      const part = frame.subarray(i * chunk, Math.min(frame.length, (i + 1) * chunk));
      const payload = Buffer.allocUnsafe(VP8_DESCRIPTOR_BYTES + part.length);
      payload[0] = 0x80 | (i === 0 ? 0x10 : 0); // X, S, PID = 0
      payload[1] = 0x80; // I: PictureID present
      payload[2] = 0x80 | (pid >> 8); // M: 15-bit PictureID
      payload[3] = pid & 0xff;
      payload.set(part, VP8_DESCRIPTOR_BYTES);
      out.push({ payload, marker: i === count - 1 });
    }
    return out;
  }
}

/** True when a VP8 frame (the bitstream, no descriptor) is a keyframe: P bit of the frame tag is 0. */
export function isVp8Keyframe(frame: Uint8Array): boolean {
  return frame.length > 0 && ((frame[0] as number) & 0x01) === 0;
}
