/**
 * Decodability gate between a depacketizer and a decoder.
 *
 * werift's depacketizer drops a frame that has a hole in it, but the frames after it still go out,
 * and every one of them predicts from the frame that never arrived: the decoder then paints smears
 * and green blocks until the next keyframe — which a WebRTC sender only sends when asked. So after
 * any lost packet this gate drops every frame until a complete keyframe and asks for one at once,
 * then again every `retryMs` while it waits (the keyframe itself may be lost).
 *
 * Feed it every RTP sequence number in the order the depacketizer sees them (after the jitter
 * buffer), then each frame the depacketizer completes, with its VP8 PictureID when it has one: a
 * PictureID that skips one means a frame vanished without a missing packet (a depacketizer that
 * dropped it), which breaks the chain just the same. Time is a parameter.
 */
export interface KeyframeGateOptions {
  /** Least time between two keyframe requests while waiting (default 300 ms). */
  retryMs?: number;
}

export interface GateDecision {
  /** Pass the frame to the decoder. */
  forward: boolean;
  /** Ask the sender for a keyframe now (PLI / FIR). */
  requestKeyframe: boolean;
}

export interface KeyframeGateStats {
  waitingForKeyframe: boolean;
  lostPackets: number;
  gaps: number;
  /** Frames missing by PictureID although no packet was. */
  missingFrames: number;
  framesForwarded: number;
  framesDropped: number;
  keyframeRequests: number;
  /** ms from the gap to the keyframe that ended it, last recovery. */
  lastRecoveryMs: number | undefined;
}

export class KeyframeGate {
  readonly #retryMs: number;
  #lastSeq: number | undefined;
  #waiting = true;
  #brokenSinceMs: number | undefined;
  #lastRequestMs = -Infinity;
  #lostPackets = 0;
  #gaps = 0;
  #missingFrames = 0;
  #lastPictureId: number | undefined;
  #forwarded = 0;
  #dropped = 0;
  #requests = 0;
  #lastRecoveryMs: number | undefined;

  constructor(options: KeyframeGateOptions = {}) {
    const retryMs = options.retryMs ?? 300;
    if (!(retryMs >= 0)) throw new TypeError(`keyframe gate: retryMs must be >= 0 (got ${retryMs})`);
    this.#retryMs = retryMs;
  }

  /** True until a keyframe has passed since the start or the last loss. */
  get waitingForKeyframe(): boolean {
    return this.#waiting;
  }

  /** One RTP packet, in depacketizer order. Late packets (older than the last one) are ignored. */
  packet(sequenceNumber: number, nowMs: number): void {
    const seq = sequenceNumber & 0xffff;
    if (this.#lastSeq === undefined) {
      this.#lastSeq = seq;
      return;
    }
    const ahead = (seq - this.#lastSeq) & 0xffff;
    if (ahead === 0 || ahead >= 0x8000) return; // duplicate or late: the depacketizer skips it too
    if (ahead > 1) {
      this.#lostPackets += ahead - 1;
      this.#gaps++;
      this.#break(nowMs);
    }
    this.#lastSeq = seq;
  }

  /** A frame the depacketizer completed, with its VP8 PictureID when known. */
  frame(isKeyframe: boolean, nowMs: number, pictureId?: { id: number; bits: 7 | 15 }): GateDecision {
    if (pictureId !== undefined) {
      const mask = pictureId.bits === 15 ? 0x7fff : 0x7f;
      const last = this.#lastPictureId;
      this.#lastPictureId = pictureId.id & mask;
      if (last !== undefined && this.#lastPictureId !== ((last + 1) & mask)) {
        this.#missingFrames++;
        this.#break(nowMs);
      }
    }
    if (isKeyframe) {
      if (this.#waiting && this.#brokenSinceMs !== undefined) this.#lastRecoveryMs = nowMs - this.#brokenSinceMs;
      this.#waiting = false;
      this.#brokenSinceMs = undefined;
      this.#forwarded++;
      return { forward: true, requestKeyframe: false };
    }
    if (!this.#waiting) {
      this.#forwarded++;
      return { forward: true, requestKeyframe: false };
    }
    this.#dropped++;
    return { forward: false, requestKeyframe: this.#shouldRequest(nowMs) };
  }

  /** Whether a keyframe request is due now (for callers that poll while waiting). */
  pollRequest(nowMs: number): boolean {
    return this.#waiting && this.#shouldRequest(nowMs);
  }

  toJSON(): KeyframeGateStats {
    return {
      waitingForKeyframe: this.#waiting,
      lostPackets: this.#lostPackets,
      gaps: this.#gaps,
      missingFrames: this.#missingFrames,
      framesForwarded: this.#forwarded,
      framesDropped: this.#dropped,
      keyframeRequests: this.#requests,
      lastRecoveryMs: this.#lastRecoveryMs,
    };
  }

  #break(nowMs: number): void {
    if (!this.#waiting) {
      this.#waiting = true;
      this.#brokenSinceMs = nowMs;
      this.#lastRequestMs = -Infinity; // ask at once for a fresh loss, whatever was asked before
    }
  }

  #shouldRequest(nowMs: number): boolean {
    if (nowMs - this.#lastRequestMs < this.#retryMs) return false;
    this.#lastRequestMs = nowMs;
    this.#requests++;
    return true;
  }
}
