import type { RgbFrame } from '../frame';

/**
 * Streaming reader for ffmpeg's `-f image2pipe -c:v ppm` output: binary PPM (P6, maxval 255)
 * images back to back. Unlike `-f rawvideo`, ffmpeg 5.1 does not hold one frame back with it.
 */
export class PpmReader {
  #chunks: Buffer[] = [];
  #length = 0;

  constructor(readonly maxPixels = 4096 * 4096) {}

  push(chunk: Buffer): RgbFrame[] {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    const frames: RgbFrame[] = [];
    for (;;) {
      const frame = this.#next();
      if (frame === undefined) break;
      frames.push(frame);
    }
    return frames;
  }

  #next(): RgbFrame | undefined {
    if (this.#length < 16) return undefined;
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#length)];
    const buf = this.#chunks[0] as Buffer;
    const header = parseHeader(buf);
    if (header === undefined) return undefined;
    const size = header.width * header.height * 3;
    if (header.width * header.height > this.maxPixels) throw new TypeError(`ppm: ${header.width}x${header.height} is too large`);
    if (buf.length < header.offset + size) return undefined;
    const data = Buffer.from(buf.subarray(header.offset, header.offset + size));
    const rest = buf.subarray(header.offset + size);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#length = rest.length;
    return { width: header.width, height: header.height, data };
  }
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Header of a P6 image at the start of `buf`, or undefined when more bytes are needed. */
function parseHeader(buf: Buffer): { width: number; height: number; offset: number } | undefined {
  if (buf[0] !== 0x50 || buf[1] !== 0x36) throw new TypeError('ppm: expected a P6 image');
  const fields: number[] = [];
  let i = 2;
  while (fields.length < 3) {
    while (i < buf.length && WS.has(buf[i] as number)) i++;
    if (i < buf.length && buf[i] === 0x23) {
      while (i < buf.length && buf[i] !== 0x0a) i++; // comment line
      continue;
    }
    let n = 0;
    let digits = 0;
    while (i < buf.length && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39) {
      n = n * 10 + ((buf[i] as number) - 0x30);
      i++;
      digits++;
      if (digits > 6) throw new TypeError('ppm: header number too long');
    }
    if (i >= buf.length) return undefined;
    if (digits === 0) throw new TypeError('ppm: malformed header');
    fields.push(n);
  }
  if (i >= buf.length) return undefined;
  if (!WS.has(buf[i] as number)) throw new TypeError('ppm: malformed header');
  const [width, height, maxval] = fields as [number, number, number];
  if (maxval !== 255) throw new TypeError(`ppm: maxval ${maxval} is not supported`);
  if (width === 0 || height === 0) throw new TypeError('ppm: empty image');
  return { width, height, offset: i + 1 };
}
