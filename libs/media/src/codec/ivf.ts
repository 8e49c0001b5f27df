/**
 * IVF: the simplest container ffmpeg reads and writes for VP8 on a pipe. A 32-byte file header,
 * then per frame a 12-byte header (u32 size, u64 pts) and the frame bytes. All little-endian.
 */
export const IVF_FILE_HEADER_BYTES = 32;
export const IVF_FRAME_HEADER_BYTES = 12;

export interface IvfHeader {
  fourcc: string;
  width: number;
  height: number;
  timebaseDen: number;
  timebaseNum: number;
}

export function ivfFileHeader(h: IvfHeader): Buffer {
  if (!/^[ -~]{4}$/.test(h.fourcc)) throw new TypeError(`ivf: fourcc must be 4 ASCII characters (got ${JSON.stringify(h.fourcc)})`);
  const b = Buffer.alloc(IVF_FILE_HEADER_BYTES);
  b.write('DKIF', 0, 'ascii');
  b.writeUInt16LE(0, 4);
  b.writeUInt16LE(IVF_FILE_HEADER_BYTES, 6);
  b.write(h.fourcc, 8, 'ascii');
  b.writeUInt16LE(h.width, 12);
  b.writeUInt16LE(h.height, 14);
  b.writeUInt32LE(h.timebaseDen, 16);
  b.writeUInt32LE(h.timebaseNum, 20);
  b.writeUInt32LE(0, 24); // frame count: unknown for a live stream
  return b;
}

export function ivfFrameHeader(size: number, pts: bigint): Buffer {
  const b = Buffer.alloc(IVF_FRAME_HEADER_BYTES);
  b.writeUInt32LE(size, 0);
  b.writeBigUInt64LE(BigInt.asUintN(64, pts), 4);
  return b;
}

export interface IvfFrame {
  data: Buffer;
  pts: bigint;
}

/**
 * Streaming IVF parser: push() chunks as they come off a pipe, get whole frames back. A corrupt
 * stream (bad signature, absurd frame size) throws a TypeError; the caller restarts the producer.
 */
export class IvfReader {
  #buf: Buffer = Buffer.alloc(0);
  #header: IvfHeader | undefined;

  constructor(readonly maxFrameBytes = 4 * 1024 * 1024) {}

  get header(): IvfHeader | undefined {
    return this.#header;
  }

  push(chunk: Buffer): IvfFrame[] {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const frames: IvfFrame[] = [];
    let off = 0;
    if (this.#header === undefined) {
      if (this.#buf.length < IVF_FILE_HEADER_BYTES) return frames;
      if (this.#buf.toString('ascii', 0, 4) !== 'DKIF') throw new TypeError('ivf: stream does not start with DKIF');
      const headerLen = this.#buf.readUInt16LE(6);
      if (headerLen < IVF_FILE_HEADER_BYTES || headerLen > 1024) throw new TypeError(`ivf: header length ${headerLen} is invalid`);
      if (this.#buf.length < headerLen) return frames;
      this.#header = {
        fourcc: this.#buf.toString('ascii', 8, 12),
        width: this.#buf.readUInt16LE(12),
        height: this.#buf.readUInt16LE(14),
        timebaseDen: this.#buf.readUInt32LE(16),
        timebaseNum: this.#buf.readUInt32LE(20),
      };
      off = headerLen;
    }
    while (this.#buf.length - off >= IVF_FRAME_HEADER_BYTES) {
      const size = this.#buf.readUInt32LE(off);
      if (size > this.maxFrameBytes) throw new TypeError(`ivf: frame of ${size} bytes exceeds ${this.maxFrameBytes}`);
      if (this.#buf.length - off - IVF_FRAME_HEADER_BYTES < size) break;
      const pts = this.#buf.readBigUInt64LE(off + 4);
      const start = off + IVF_FRAME_HEADER_BYTES;
      // Copy: the frame outlives the chunk it arrived in.
      frames.push({ data: Buffer.from(this.#buf.subarray(start, start + size)), pts });
      off = start + size;
    }
    this.#buf = off === this.#buf.length ? Buffer.alloc(0) : this.#buf.subarray(off);
    return frames;
  }
}
