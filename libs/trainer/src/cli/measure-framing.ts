/**
 * Where eyes and mouth sit in the real faces' crop, measured with the live path's own landmarks
 * (face-api tiny detector + 68 points) on the full-size test faces; writes the model framing file.
 *   npx nx run trainer:measure-framing -- [--data DIR] [--out models/real/framing.json]
 */
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { alignPhotoFace, initRuntime, readRgbImage } from '@lfe/face-pipeline';
import { loadRealFaceConfig, resolveDataDir } from '@lfe/realface';

const USAGE = 'usage: nx run trainer:measure-framing -- [--data DIR] [--out models/real/framing.json]';
const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' }, data: { type: 'string' }, out: { type: 'string', default: 'models/real/framing.json' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const config = loadRealFaceConfig();
if (config.fullSize === undefined) throw new TypeError('measure-framing: training/realface/dataset.json names no fullSize folder');
const dir = join(resolveDataDir(values.data, config), config.fullSize);
const files = readdirSync(dir).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
await initRuntime();
const rows: Array<[number, number, number, number]> = [];
let missed = 0;
for (const f of files) {
  const img = await readRgbImage(join(dir, f));
  // The live path's detector and landmarks (the photo padded, as for any photo); only the landmarks are used.
  const face = await alignPhotoFace(img, 64);
  if (face === null) {
    missed++;
    continue;
  }
  const u = (p: { x: number; y: number }): [number, number] => [p.x / img.width, p.y / img.height];
  const [lx, ly] = u(face.fix.leftEye);
  const [rx, ry] = u(face.fix.rightEye);
  const [mx, my] = u(face.fix.mouth);
  const cx = (lx + rx) / 2;
  const cy = (ly + ry) / 2;
  rows.push([cx, cy, Math.hypot(rx - lx, ry - ly), Math.hypot(mx - cx, my - cy)]);
}
const mean = (k: number): number => rows.reduce((s, r) => s + r[k]!, 0) / rows.length;
const sd = (k: number): number => Math.sqrt(rows.reduce((s, r) => s + (r[k]! - mean(k)) ** 2, 0) / rows.length);
const r4 = (v: number): number => Math.round(v * 10000) / 10000;
const framing = {
  eyeMid: { x: r4(mean(0)), y: r4(mean(1)) },
  eyeDistance: r4(mean(2)),
  mouthDistance: r4(mean(3)),
  measured: {
    how: 'means over the full-size test faces of face-api tiny-detector + 68-point landmarks (eye centres = mean of points 36-41 / 42-47, mouth = mean of 48-67), the live tracker’s own landmarks, so no further calibration applies',
    command: 'npx nx run trainer:measure-framing',
    faces: rows.length,
    missed,
    sd: { eyeMidX: r4(sd(0)), eyeMidY: r4(sd(1)), eyeDistance: r4(sd(2)), mouthDistance: r4(sd(3)) },
    date: new Date().toISOString().slice(0, 10),
  },
};
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(framing, null, 2)}\n`);
console.log(JSON.stringify(framing, null, 2));
