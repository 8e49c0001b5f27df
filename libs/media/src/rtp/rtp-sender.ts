import { randomInt } from 'node:crypto';
import { RtpHeader, RtpPacket } from 'werift';
import type { MediaLogger } from '../logger';
import { Vp8Packetizer } from './vp8-packetizer';

/** A consumer of the processed video: an outgoing track (`track.writeRtp`). Gets serialized RTP. */
export type RtpSink = (packet: Buffer) => void;

export interface Vp8RtpSenderOptions {
  /** Reports a sink that threw ('rtp sink threw', warn); the other sinks still get the packet. */
  log: MediaLogger;
  /** Dynamic payload type of the VP8 stream (96, as the server's SDP negotiates it). */
  payloadType?: number;
  /** SSRC written into the header; 0 lets each track (werift's `writeRtp`) write its own. */
  ssrc?: number;
  /** Largest RTP payload, VP8 descriptor included (see Vp8Packetizer). */
  maxPayload?: number;
  /** First sequence number, PictureID and the 90 kHz timestamp's offset: random unless given (tests). */
  initialSequence?: number;
  initialPictureId?: number;
  timestampBase?: number;
}

/**
 * Encoded VP8 frames → RTP packets → every sink (the publisher's own return track, WHEP viewers).
 * Timestamps are 90 kHz from each frame's capture time (`timestampMs`, e.g. its arrival at the
 * server), strictly increasing, so two frames released together after a stall never share a
 * timestamp (receivers would take them for one frame). Sequence numbers and PictureIDs run on
 * across encoder restarts: a receiver sees one continuous stream.
 */
export class Vp8RtpSender {
  readonly #log: MediaLogger;
  readonly #payloadType: number;
  readonly #ssrc: number;
  readonly #sinks = new Set<RtpSink>();
  readonly #packetizer: Vp8Packetizer;
  #seq: number;
  readonly #tsBase: number;
  #lastTs: number | undefined;

  constructor(options: Vp8RtpSenderOptions) {
    this.#log = options.log;
    this.#payloadType = options.payloadType ?? 96;
    this.#ssrc = options.ssrc ?? 0;
    this.#packetizer = new Vp8Packetizer(options.maxPayload ?? 1200, options.initialPictureId ?? randomInt(0x8000));
    this.#seq = (options.initialSequence ?? randomInt(0x10000)) & 0xffff;
    this.#tsBase = (options.timestampBase ?? randomInt(0x100000000)) >>> 0;
  }

  addSink(sink: RtpSink): void {
    this.#sinks.add(sink);
  }

  removeSink(sink: RtpSink): void {
    this.#sinks.delete(sink);
  }

  /** Forget every sink (the owner is closing). */
  clear(): void {
    this.#sinks.clear();
  }

  get sinkCount(): number {
    return this.#sinks.size;
  }

  /** Packetize one encoded frame and write its packets to every sink; returns its RTP timestamp. */
  send(frame: Uint8Array, timestampMs: number): number {
    let timestamp = (this.#tsBase + Math.round(timestampMs * 90)) >>> 0;
    if (this.#lastTs !== undefined) {
      const ahead = (timestamp - this.#lastTs) >>> 0;
      if (ahead === 0 || ahead >= 0x80000000) timestamp = (this.#lastTs + 1) >>> 0;
    }
    this.#lastTs = timestamp;
    for (const p of this.#packetizer.packetize(frame)) {
      const header = new RtpHeader({ payloadType: this.#payloadType, sequenceNumber: this.#seq, timestamp, marker: p.marker, ssrc: this.#ssrc });
      this.#seq = (this.#seq + 1) & 0xffff;
      const bytes = new RtpPacket(header, p.payload).serialize();
      for (const sink of this.#sinks) {
        try {
          sink(bytes);
        } catch (err) {
          this.#log.warn('rtp sink threw', { error: err });
        }
      }
    }
    return timestamp;
  }
}
