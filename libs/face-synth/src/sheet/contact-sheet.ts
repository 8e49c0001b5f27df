import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { Lang } from '@lfe/edit-language';
import { render } from '../face/render';
import type { RgbImage } from '../face/render';
import { datasetCaptions, datasetFace } from '../dataset/writer';

export interface ContactSheetOptions {
  /** Dataset seed: the sheet shows images 0… of `writeDataset({seed})` with their captions. */
  seed: number;
  cols?: number;
  rows?: number;
  /** Face size in pixels (each face is rendered at this size, not scaled). */
  cell?: number;
  lang?: Lang;
}

export interface ContactSheetEntry {
  index: number;
  caption: string;
}

/** Copy an RGB image onto a 2D context at (x, y). */
export function drawRgb(ctx: SKRSContext2D, img: RgbImage, x: number, y: number): void {
  const data = ctx.createImageData(img.width, img.height);
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) {
    data.data[j] = img.data[i] as number;
    data.data[j + 1] = img.data[i + 1] as number;
    data.data[j + 2] = img.data[i + 2] as number;
    data.data[j + 3] = 255;
  }
  ctx.putImageData(data, x, y);
}

/** Greedy word wrap to a pixel width; long captions end in an ellipsis after `maxLines`. */
function wrap(ctx: SKRSContext2D, text: string, width: number, maxLines: number): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line === '' ? w : `${line} ${w}`;
    if (ctx.measureText(next).width <= width || line === '') line = next;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line !== '') lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1] ?? ''}…`;
    return kept;
  }
  return lines;
}

/**
 * A grid of faces with each face's caption in small text underneath (PNG bytes), plus the list of
 * captions. The faces and captions are those of the dataset with the same seed.
 */
export async function contactSheet(options: ContactSheetOptions): Promise<{ png: Buffer; entries: ContactSheetEntry[] }> {
  const cols = options.cols ?? 8;
  const rows = options.rows ?? 8;
  const cell = options.cell ?? 128;
  const lang = options.lang ?? 'en';
  const fontPx = Math.max(8, Math.round(cell / 12));
  const lineH = Math.round(fontPx * 1.2);
  const maxLines = 6;
  const textH = lineH * maxLines + 6;
  const pad = 6;
  const w = cols * (cell + pad) + pad;
  const h = rows * (cell + textH + pad) + pad;
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.font = `${fontPx}px "DejaVu Sans", sans-serif`;
  ctx.textBaseline = 'top';
  const kind = { lang, mode: 'full' as const };
  const entries: ContactSheetEntry[] = [];
  for (let i = 0; i < cols * rows; i++) {
    const { desc } = datasetFace(options.seed, i);
    const caption = datasetCaptions(options.seed, i, desc, [kind])[0] ?? '';
    entries.push({ index: i, caption });
    const x = pad + (i % cols) * (cell + pad);
    const y = pad + Math.floor(i / cols) * (cell + textH + pad);
    drawRgb(ctx, render(desc, cell), x, y);
    ctx.fillStyle = '#202020';
    wrap(ctx, `${i}. ${caption}`, cell, maxLines).forEach((line, k) => ctx.fillText(line, x, y + cell + 3 + k * lineH));
  }
  return { png: await canvas.encode('png'), entries };
}
