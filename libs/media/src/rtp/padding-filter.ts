/**
 * Removes padding-only RTP packets (no payload after the padding is stripped) from an in-order
 * packet stream and renumbers the packets after them so the sequence stays contiguous.
 *
 * Chrome sends such packets on the media SSRC to probe bandwidth when RTX is not negotiated, with
 * the timestamp of the last frame and sequence numbers in between frames. werift's depacketizer
 * throws on an empty VP8 payload and silently drops the whole next frame, so every later frame
 * predicted from a picture the decoder never saw (no packet was missing: loss detection alone
 * does not notice). Dropping them without renumbering would look like loss instead.
 *
 * Feed it packets in jitter-buffer order. Late and duplicate packets (not newer than the last
 * one) are dropped too: the depacketizer would ignore them, and their new number is unknowable.
 */
export class PaddingFilter {
  #last: number | undefined;
  #offset = 0;
  #removed = 0;
  #late = 0;

  /** The sequence number to pass on, or undefined to drop the packet. */
  process(sequenceNumber: number, payloadLength: number): number | undefined {
    const seq = sequenceNumber & 0xffff;
    if (this.#last !== undefined) {
      const ahead = (seq - this.#last) & 0xffff;
      if (ahead === 0 || ahead >= 0x8000) {
        this.#late++;
        return undefined;
      }
    }
    this.#last = seq;
    if (payloadLength === 0) {
      this.#offset = (this.#offset + 1) & 0xffff;
      this.#removed++;
      return undefined;
    }
    return (seq - this.#offset) & 0xffff;
  }

  toJSON(): { paddingRemoved: number; lateDropped: number } {
    return { paddingRemoved: this.#removed, lateDropped: this.#late };
  }
}
