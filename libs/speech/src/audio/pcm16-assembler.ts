/**
 * Turns a byte stream of s16le PCM (ffmpeg's output, a socket) into Int16 chunks, carrying an odd
 * trailing byte over to the next chunk so that sample boundaries survive arbitrary splits.
 */
export class Pcm16Assembler {
  #carry: number | undefined;

  push(bytes: Uint8Array): Int16Array {
    const total = bytes.length + (this.#carry === undefined ? 0 : 1);
    const out = new Int16Array(Math.floor(total / 2));
    let src = 0;
    let dst = 0;
    if (this.#carry !== undefined && bytes.length > 0) {
      out[dst++] = ((((bytes[0] ?? 0) << 8) | this.#carry) << 16) >> 16;
      this.#carry = undefined;
      src = 1;
    }
    for (; src + 1 < bytes.length; src += 2) out[dst++] = ((((bytes[src + 1] ?? 0) << 8) | (bytes[src] ?? 0)) << 16) >> 16;
    if (src < bytes.length) this.#carry = bytes[src];
    return out;
  }

  /** True when half a sample is waiting for its other byte. */
  get pending(): boolean {
    return this.#carry !== undefined;
  }
}
