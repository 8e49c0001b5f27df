import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCanvas } from '@napi-rs/canvas';
import { CommandError } from '@lfe/edit-language';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbImageLike } from '../align/align';
import { initRuntime } from '../runtime/init-runtime';
import { composePhoto } from '../testing/real-photo';
import { decodeImage, encodeImage, formatFromPath, ImageDecodeError, ImageTooLargeError } from './image-io';
import { NoFaceError, PhotoEditor } from './photo-editor';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');

function meanAbsDiff(a: RgbImageLike, b: RgbImageLike, x0: number, y0: number, x1: number, y1: number): number {
  let s = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) s += Math.abs(a.data[(y * a.width + x) * 3 + c]! - b.data[(y * b.width + x) * 3 + c]!);
  return s / ((x1 - x0) * (y1 - y0) * 3);
}

let dir: string;
let editor: PhotoEditor;
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'photo-editor-'));
  // The shipped model: the test is about the path at full size (which pixels change), not edit quality.
  editor = await PhotoEditor.load({ editorDir: join(ROOT, 'models/default/editor'), generatorDir: join(ROOT, 'models/default/generator') });
}, 60_000);
afterAll(() => {
  editor?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('PhotoEditor (the live path on a still picture, at its own size)', () => {
  it('edits two real faces in a larger photo: same size, each face changed, pixels away from the faces untouched', async () => {
    const faces = [
      { n: 28501, x: 40, y: 60, size: 200 },
      { n: 28502, x: 520, y: 120, size: 160 },
    ];
    const photo = await composePhoto(800, 420, faces);
    const r = await editor.edit(photo, 'add glasses', { faces: 'all' });
    expect([r.image.width, r.image.height]).toEqual([800, 420]);
    expect(r.found).toBe(2);
    expect(r.faces.map((f) => f.edited)).toEqual([true, true]);
    for (const f of faces) {
      // The eye band of each face changed.
      const band = meanAbsDiff(photo, r.image, f.x + f.size * 0.2, f.y + f.size * 0.35, f.x + f.size * 0.8, f.y + f.size * 0.55);
      expect(band).toBeGreaterThan(3);
    }
    // Away from both faces (beyond the regions the live path gets): not a single pixel changed.
    expect(meanAbsDiff(photo, r.image, 0, 0, 800, 8)).toBe(0);
    expect(meanAbsDiff(photo, r.image, 330, 0, 450, 420)).toBe(0);
    expect(meanAbsDiff(photo, r.image, 0, 412, 800, 420)).toBe(0);
    // The input is not modified.
    expect(meanAbsDiff(photo, await composePhoto(800, 420, faces), 0, 0, 800, 420)).toBe(0);
    // One face asked for: only it changes.
    const one = await editor.edit(photo, 'add glasses', { faces: 1 });
    expect(one.faces.map((f) => f.index)).toEqual([1]);
    expect(meanAbsDiff(photo, one.image, 40, 60, 240, 260)).toBe(0);
    expect(meanAbsDiff(photo, one.image, 520, 120, 680, 280)).toBeGreaterThan(0.5);
  }, 120_000);

  it('refuses a bad command before looking, and says when there is no face', async () => {
    const blank: RgbImageLike = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(140) };
    await expect(editor.edit(blank, 'add goggles')).rejects.toBeInstanceOf(CommandError);
    await expect(editor.edit(blank, 'add glasses')).rejects.toBeInstanceOf(NoFaceError);
    const photo = await composePhoto(400, 300, [{ n: 28503, x: 100, y: 40, size: 220 }]);
    await expect(editor.edit(photo, 'add glasses', { faces: 3 })).rejects.toThrow(/face 4 asked for, 1 found/);
  }, 60_000);
});

describe('image input and output', () => {
  it('honours a JPEG EXIF orientation (6: rotate 90° clockwise to show)', async () => {
    // 4×2 stored pixels: left half red, right half blue.
    const c = createCanvas(4, 2);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#ff0000';
    ctx.fillRect(0, 0, 2, 2);
    ctx.fillStyle = '#0000ff';
    ctx.fillRect(2, 0, 2, 2);
    const jpeg = c.toBuffer('image/jpeg', 100);
    // An APP1 Exif segment with one IFD entry: Orientation (0x0112, SHORT) = 6, little endian.
    const tiff = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    const body = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 255]), body]);
    const withExif = Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
    expect([(await decodeImage(jpeg, 'plain.jpg')).width, (await decodeImage(jpeg, 'plain.jpg')).height]).toEqual([4, 2]);
    const img = await decodeImage(withExif, 'rotated.jpg');
    expect([img.width, img.height]).toEqual([2, 4]);
    // Rotated clockwise: the stored left (red) half is now on top.
    expect(img.data[0]!).toBeGreaterThan(200);
    expect(img.data[2]!).toBeLessThan(60);
    expect(img.data[(3 * 2) * 3 + 2]!).toBeGreaterThan(200);
  });

  it('round-trips PNG, JPEG and WebP, and names the problem with bad input', async () => {
    const img: RgbImageLike = { width: 24, height: 16, data: Uint8Array.from({ length: 24 * 16 * 3 }, (_, i) => (i * 7) % 256) };
    const png = await decodeImage(encodeImage(img, 'png'), 'a.png');
    expect(Buffer.from(png.data).equals(Buffer.from(img.data))).toBe(true);
    for (const f of ['jpeg', 'webp'] as const) {
      const back = await decodeImage(encodeImage(img, f), `a.${f}`);
      expect([back.width, back.height]).toEqual([24, 16]);
    }
    expect(formatFromPath('x/out.JPG')).toBe('jpeg');
    expect(formatFromPath('out.webp')).toBe('webp');
    expect(formatFromPath('out.gif')).toBeUndefined();
    await expect(decodeImage(Buffer.from('not an image'), 'junk.png')).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(decodeImage(encodeImage(img, 'png'), 'big.png', 100)).rejects.toThrow(ImageTooLargeError);
    await expect(decodeImage(encodeImage(img, 'png'), 'big.png', 100)).rejects.toThrow(/24×16 is 0\.0 megapixels; the limit is 0 megapixels/);
  });
});
