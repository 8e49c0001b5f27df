/**
 * The measured attributes of the real faces (eye opening, hair-length proxy; src/realface/measures.ts),
 * validated on a split: agreement with the nearest CelebA labels (ROC AUC) and, for a person to look
 * at, sheets of the top and bottom deciles written to a git-ignored folder (they are copies of
 * data-set faces: never commit them).
 *   npx nx run trainer:measure-real -- [--data DIR] [--split validation] [--n 1500] [--sheets tmp/realface-sheets] [--out r.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initRuntime, loadFraming } from '@lfe/face-pipeline';
import { RealFaceDataset, SPLITS, type SplitName } from '@lfe/realface';
import { rocAuc } from '../util/roc-auc';
import { eyeOpening, hairLengthProxy, loadLandmarkNet } from '../realface/measures';
import { encodePng, imageGrid } from '../util/png';

const USAGE = 'usage: nx run trainer:measure-real -- [--data DIR] [--split validation] [--n 1500] [--sheets tmp/realface-sheets] [--out r.json]';
const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    data: { type: 'string' },
    split: { type: 'string', default: 'validation' },
    n: { type: 'string', default: '1500' },
    sheets: { type: 'string', default: 'tmp/realface-sheets' },
    out: { type: 'string' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const split = values.split as SplitName;
if (!SPLITS.includes(split)) throw new TypeError(`measure-real: --split must be one of ${SPLITS.join(', ')}`);
await initRuntime();
const set = await RealFaceDataset.open({ ...(values.data !== undefined ? { data: values.data } : {}), log: (l) => console.error(l) });
const framing = loadFraming('models/real');
if (framing === undefined) throw new Error('measure-real: models/real/framing.json is missing (npx nx run trainer:measure-framing)');
const rows = set.rowsOf(split).slice(0, Number(values.n));
const net = await loadLandmarkNet();
const r = set.resolution;
const eyes: number[] = [];
const hair: number[] = [];
const t0 = performance.now();
for (const row of rows) {
  eyes.push(await eyeOpening(net, set.image(row), r, framing));
  hair.push(hairLengthProxy(set.image(row), r));
}
const ms = (performance.now() - t0) / rows.length;
const label = (name: string): boolean[] => rows.map((row) => set.label(row, name));
const report = {
  split,
  faces: rows.length,
  msPerFace: ms,
  eyeOpening: { aucNarrowEyesAgainstSmallOpening: rocAuc(eyes.map((v) => -v), label('Narrow_Eyes')), median: [...eyes].sort((a, b) => a - b)[eyes.length >> 1] },
  hairLength: {
    aucNotMale: rocAuc(hair, label('Male').map((m) => !m)),
    aucBaldAgainstShort: rocAuc(hair.map((v) => -v), label('Bald')),
    aucWearingHatAgainstShort: rocAuc(hair.map((v) => -v), label('Wearing_Hat')),
  },
};
console.log(JSON.stringify(report, null, 2));
if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
mkdirSync(values.sheets, { recursive: true });
const sheet = (file: string, picks: number[]): void => {
  const all = new Uint8Array(picks.length * r * r * 3);
  picks.forEach((row, i) => all.set(set.image(row), i * r * r * 3));
  const g = imageGrid(all, picks.length, r, 8);
  writeFileSync(join(values.sheets, file), encodePng(g.rgb, g.width, g.height));
};
for (const [name, v] of [
  ['eye-opening', eyes],
  ['hair-length', hair],
] as const) {
  const order = rows.map((row, i) => [v[i]!, row] as const).sort((a, b) => a[0] - b[0]);
  const dec = Math.max(1, Math.floor(order.length / 10));
  const spread = (list: ReadonlyArray<readonly [number, number]>): number[] => list.filter((_, i) => i % Math.max(1, Math.floor(list.length / 32)) === 0).slice(0, 32).map(([, row]) => row);
  sheet(`${name}-bottom-decile.png`, spread(order.slice(0, dec)));
  sheet(`${name}-top-decile.png`, spread(order.slice(-dec)));
}
console.error(`sheets (copies of data-set faces: git-ignored, never commit) in ${values.sheets}/`);
