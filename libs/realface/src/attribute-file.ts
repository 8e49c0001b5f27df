import { readFileSync } from 'node:fs';
import { BadRecordError, DatasetError } from '@lfe/face-synth';

/** A parsed CelebA-format attribute file. */
export interface AttributeFile {
  /** Attribute names, in file order (CelebA: 40 names, `5_o_Clock_Shadow` … `Young`). */
  names: string[];
  /** Image file names, one per row (`1.jpg` …). */
  files: string[];
  /** Image numbers (the split is by number). */
  numbers: Int32Array;
  /** [rows × names] values 1 / -1. */
  labels: Int8Array;
}

/** The image number of `N.jpg` (any extension); the fixed split is by this number. */
export function imageNumber(file: string, where: string): number {
  const stem = file.replace(/\.[^.]*$/, '');
  if (!/^\d+$/.test(stem)) throw new DatasetError(where, `image name "${file}" is not a number (the split is by image number)`);
  return Number(stem);
}

/**
 * Parse the CelebA attribute format: line 1 the image count, line 2 the attribute names, then one
 * line per image: `N.jpg` and one value (1 or -1) per attribute. Every problem names file:line.
 */
export function parseAttributeFile(text: string, file: string): AttributeFile {
  const lines = text.split(/\r?\n/);
  const count = Number((lines[0] ?? '').trim());
  if (!Number.isSafeInteger(count) || count < 0) throw new BadRecordError(file, 1, 'first line must be the image count');
  const names = (lines[1] ?? '').trim().split(/\s+/).filter((s) => s !== '');
  if (names.length === 0) throw new BadRecordError(file, 2, 'second line must list the attribute names');
  const files: string[] = [];
  const numbers: number[] = [];
  const labels = new Int8Array(count * names.length);
  const seen = new Set<string>();
  for (let i = 2; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    const row = files.length;
    if (row >= count) throw new BadRecordError(file, i + 1, `more image lines than the count on line 1 (${count})`);
    if (parts.length !== names.length + 1) throw new BadRecordError(file, i + 1, `${parts.length - 1} values for ${names.length} attributes`);
    const name = parts[0] as string;
    if (seen.has(name)) throw new BadRecordError(file, i + 1, `image "${name}" listed twice`);
    seen.add(name);
    numbers.push(imageNumber(name, `${file}:${i + 1}`));
    for (let k = 0; k < names.length; k++) {
      const v = parts[k + 1];
      if (v !== '1' && v !== '-1') throw new BadRecordError(file, i + 1, `value of ${names[k]} must be 1 or -1, got "${v}"`);
      labels[row * names.length + k] = v === '1' ? 1 : -1;
    }
    files.push(name);
  }
  if (files.length !== count) throw new DatasetError(file, `line 1 says ${count} images, the file lists ${files.length}`);
  return { names, files, numbers: Int32Array.from(numbers), labels };
}

export function readAttributeFile(file: string): AttributeFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new DatasetError(file, `cannot read the attribute file (${String((cause as NodeJS.ErrnoException).code)})`, { cause });
  }
  return parseAttributeFile(text, file);
}
