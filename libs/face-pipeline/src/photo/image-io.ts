import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { RgbImageLike } from '../align/align';

/** Largest picture the photo path takes: 40 megapixels (8000×5000). Larger → ImageTooLargeError. */
export const MAX_PHOTO_PIXELS = 40_000_000;

/** The bytes are not a picture the decoder reads (a TypeError, as `readRgbImage` always threw). */
export class ImageDecodeError extends TypeError {
  override readonly name = 'ImageDecodeError';
}

export class ImageTooLargeError extends Error {
  override readonly name = 'ImageTooLargeError';
}

export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** The output format a file name asks for (by extension); undefined when it names none we write. */
export function formatFromPath(path: string): ImageFormat | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return ext === 'png' ? 'png' : ext === 'jpg' || ext === 'jpeg' ? 'jpeg' : ext === 'webp' ? 'webp' : undefined;
}

/**
 * Decode PNG / JPEG / WebP (what @napi-rs/canvas reads) to RGB24, upright: a JPEG's EXIF
 * orientation is applied, as a viewer would show it. `name` only labels errors.
 */
export async function decodeImage(bytes: Uint8Array, name: string, maxPixels = MAX_PHOTO_PIXELS): Promise<RgbImageLike> {
  let img: Awaited<ReturnType<typeof loadImage>>;
  try {
    img = await loadImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch {
    throw new ImageDecodeError(`${name}: not a decodable image (PNG, JPEG or WebP)`);
  }
  if (!(img.width > 0 && img.height > 0)) throw new ImageDecodeError(`${name}: the image has no pixels`);
  if (img.width * img.height > maxPixels) {
    throw new ImageTooLargeError(`${name}: ${img.width}×${img.height} is ${((img.width * img.height) / 1e6).toFixed(1)} megapixels; the limit is ${(maxPixels / 1e6).toFixed(0)} megapixels`);
  }
  // @napi-rs/canvas applies a JPEG's EXIF orientation while decoding (tested): width and height
  // are the upright picture's.
  const W = img.width;
  const H = img.height;
  const ctx = createCanvas(W, H).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, W, H).data;
  const data = new Uint8Array(W * H * 3);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) {
    data[i] = rgba[j]!;
    data[i + 1] = rgba[j + 1]!;
    data[i + 2] = rgba[j + 2]!;
  }
  return { width: W, height: H, data };
}

/** Encode RGB24 as PNG, JPEG (quality 92) or WebP (quality 92). */
export function encodeImage(img: RgbImageLike, format: ImageFormat): Buffer {
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  const out = ctx.createImageData(img.width, img.height);
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) {
    out.data[j] = img.data[i]!;
    out.data[j + 1] = img.data[i + 1]!;
    out.data[j + 2] = img.data[i + 2]!;
    out.data[j + 3] = 255;
  }
  ctx.putImageData(out, 0, 0);
  return format === 'png' ? canvas.toBuffer('image/png') : format === 'jpeg' ? canvas.toBuffer('image/jpeg', 92) : canvas.toBuffer('image/webp', 92);
}
