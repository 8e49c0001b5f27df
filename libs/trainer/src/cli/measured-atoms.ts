/** `nx run trainer:measured-atoms`: the usage and options are in USAGE below (printed by `--help`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initRuntime, loadEncoder, loadFraming, loadGenerator } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { measuredAtomDirections, saveAtomDirections } from '../editor/measured-atoms';

const USAGE = [
  'usage: npx nx run trainer:measured-atoms -- --out DIR [--faces 3000] [--generator DIR] [--encoder DIR] [--framing DIR] [--data DIR]',
  '',
  'Atom directions for eye size and hair length, which CelebA never labelled and no caption of a real',
  'face states: real train faces are inverted by the encoder and measured (eye opening from landmarks,',
  'the hair-length proxy: src/realface/measures.ts), each W+ coordinate is regressed on the measure',
  'and the 40 labels, and "big eyes", "a bit longer hair", … get the measure\'s direction times the gap',
  'they cross. train-editor reads the folder with "measuredAtoms" in its config (atom distillation).',
  'Writes DIR (an lfe-atom-directions checkpoint) and DIR/report.json. Exit codes: 0 written, 2 usage.',
].join('\n');
const { values } = parseArgs({
  options: {
    help: { type: 'boolean', short: 'h' },
    out: { type: 'string' },
    faces: { type: 'string', default: '3000' },
    generator: { type: 'string', default: 'training/gan-real/generator' },
    encoder: { type: 'string', default: 'training/encoder-real/encoder' },
    framing: { type: 'string', default: 'models/real' },
    data: { type: 'string' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const fail = (msg: string): never => {
  console.error(`measured-atoms: ${msg}\n${USAGE}`);
  process.exit(2);
};
if (values.out === undefined) fail('--out DIR is required');
const faces = Number(values.faces);
if (!Number.isInteger(faces) || faces < 60) fail(`--faces must be an integer ≥ 60, got "${values.faces}"`);
await initRuntime();
const framing = loadFraming(values.framing);
if (framing === undefined) fail(`${values.framing}/framing.json is missing (npx nx run trainer:measure-framing)`);
const set = await RealFaceDataset.open({ ...(values.data !== undefined ? { data: values.data } : {}), log: (l) => console.error(l) });
const g = loadGenerator(values.generator);
const enc = loadEncoder(values.encoder);
const t0 = performance.now();
const { directions, stats } = await measuredAtomDirections(g, enc, set, framing!, { faces, log: (l) => console.error(l) });
const sha = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;
const command = `npx nx run trainer:measured-atoms -- ${process.argv.slice(2).join(' ')}`;
saveAtomDirections(values.out!, directions, [g.numWs, g.config.wDim], { faces, attributes: stats.map((s) => s.attribute), generatorSha256: sha(values.generator), encoderSha256: sha(values.encoder) }, {
  command,
  seed: 0,
  steps: 0,
  dataManifestSha256: null,
  date: new Date().toISOString(),
  data: `the first ${faces} train faces of ${set.dir}, inverted by ${values.encoder}, measured (eye opening, hair-length proxy)`,
});
writeFileSync(join(values.out!, 'report.json'), `${JSON.stringify({ command, seconds: (performance.now() - t0) / 1000, keys: [...directions.keys()], stats }, null, 2)}\n`);
for (const s of stats) console.error(`${s.attribute}: mean ${s.mean.toFixed(4)} sd ${s.sd.toFixed(4)}, z bottom ${s.zBottom.toFixed(2)} / top ${s.zTop.toFixed(2)}, ‖β‖ ${s.betaNorm.toFixed(3)}`);
console.error(`measured-atoms: ${directions.size} directions → ${values.out} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
g.dispose();
enc.dispose();
