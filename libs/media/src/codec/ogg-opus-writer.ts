import { opusPacketSamples } from './opus-toc';

/**
 * Opus RTP payloads → an Ogg Opus stream (RFC 7845) ffmpeg can read from a pipe. werift parses Ogg
 * but does not write it. One packet per page keeps latency at one packet (20 ms); a page costs
 * 28 bytes of overhead, fine at 50 pages a second.
 */
export class OggOpusWriter {
  readonly #serial: number;
  #pageSeq = 0;
  #granule = 0n;
  #started = false;

  constructor(
    readonly channels = 2,
    serial = 0x4c464531,
  ) {
    if (channels !== 1 && channels !== 2) throw new TypeError(`ogg: channels must be 1 or 2 (got ${channels})`);
    this.#serial = serial >>> 0;
  }

  /** The two header pages (OpusHead, OpusTags); call once before the first packet. */
  headers(): Buffer {
    if (this.#started) throw new TypeError('ogg: headers already written');
    this.#started = true;
    const head = Buffer.alloc(19);
    head.write('OpusHead', 0, 'ascii');
    head[8] = 1; // version
    head[9] = this.channels;
    head.writeUInt16LE(312, 10); // pre-skip: libopus encoder default
    head.writeUInt32LE(48000, 12);
    head.writeInt16LE(0, 16); // output gain
    head[18] = 0; // mapping family 0
    const vendor = Buffer.from('lfe-stream-server', 'ascii');
    const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
    tags.write('OpusTags', 0, 'ascii');
    tags.writeUInt32LE(vendor.length, 8);
    vendor.copy(tags, 12);
    tags.writeUInt32LE(0, 12 + vendor.length);
    return Buffer.concat([this.#page(head, 0x02, 0n), this.#page(tags, 0x00, 0n)]);
  }

  /** One page holding one Opus packet. Throws a TypeError for a packet that is not Opus. */
  packet(opus: Uint8Array): Buffer {
    if (!this.#started) throw new TypeError('ogg: write headers() first');
    this.#granule += BigInt(opusPacketSamples(opus));
    return this.#page(opus, 0x00, this.#granule);
  }

  #page(data: Uint8Array, flags: number, granule: bigint): Buffer {
    const lacing: number[] = [];
    let left = data.length;
    while (left >= 255) {
      lacing.push(255);
      left -= 255;
    }
    lacing.push(left);
    if (lacing.length > 255) throw new TypeError(`ogg: packet of ${data.length} bytes does not fit one page`);
    const page = Buffer.alloc(27 + lacing.length + data.length);
    page.write('OggS', 0, 'ascii');
    page[4] = 0;
    page[5] = flags;
    page.writeBigUInt64LE(granule, 6);
    page.writeUInt32LE(this.#serial, 14);
    page.writeUInt32LE(this.#pageSeq++, 18);
    page.writeUInt32LE(0, 22);
    page[26] = lacing.length;
    for (const [i, l] of lacing.entries()) page[27 + i] = l;
    page.set(data, 27 + lacing.length);
    page.writeUInt32LE(oggCrc(page), 22);
    return page;
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0, no final xor. */
export function oggCrc(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] as number)) >>> 0;
  return crc >>> 0;
}
