/** One decoded video frame: packed RGB24, row-major, `width * height * 3` bytes. */
export interface RgbFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
}
