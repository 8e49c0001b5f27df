/** `nx run trainer:real-captions`: the usage and options are in USAGE below (printed by `--help`). */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { SPLITS, type SplitName } from '@lfe/realface';
import { realCaptions } from '../realface/real-captions';

const USAGE = [
  'usage: npx nx run trainer:real-captions -- --out FILE.jsonl [--split train] [--per-face 8] [--seed 1] [--data DIR]',
  '',
  'Write captions of the real faces of a split from their CelebA labels, in English and Chinese,',
  'full and partial (cycling through the four caption styles), as token ids of the edit vocabulary:',
  'line 1 a header (vocabulary fingerprint, styles, counts), then {"number", "style", "ids"} per caption.',
  "The PyTorch captioner trainer reads it (trainer-torch:train-captioner). The file is derived from the",
  "data set's labels: keep it out of the repository (tmp/ is git-ignored).",
  'Exit codes: 0 written, 2 usage, 1 other (a missing data folder names the path).',
].join('\n');

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    out: { type: 'string' },
    split: { type: 'string', default: 'train' },
    'per-face': { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
    data: { type: 'string' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const fail = (msg: string): never => {
  console.error(`real-captions: ${msg}\n${USAGE}`);
  process.exit(2);
};
if (values.out === undefined) fail('--out FILE.jsonl is required');
if (!(SPLITS as readonly string[]).includes(values.split)) fail(`--split must be one of ${SPLITS.join(', ')}, got "${values.split}"`);
const perFace = Number(values['per-face']);
const seed = Number(values.seed);
if (!Number.isInteger(perFace) || perFace < 1 || perFace > 64) fail(`--per-face must be an integer in 1…64, got "${values['per-face']}"`);
if (!Number.isInteger(seed) || seed < 0) fail(`--seed must be a non-negative integer, got "${values.seed}"`);
const t0 = performance.now();
const { header, captions } = realCaptions({ ...(values.data !== undefined ? { data: values.data } : {}), split: values.split as SplitName, perFace, seed });
mkdirSync(dirname(values.out!), { recursive: true });
const tmp = `${values.out!}.tmp-${process.pid}`;
writeFileSync(tmp, [JSON.stringify(header), ...captions.map((c) => JSON.stringify(c))].join('\n') + '\n');
renameSync(tmp, values.out!);
console.error(`real-captions: ${header.captions} captions of ${header.faces} ${header.split} faces → ${values.out} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
