/** `nx run trainer:import-torch-gan`: the usage and options are in USAGE below (printed by `--help`). */
import { parseArgs } from 'node:util';
import { initRuntime } from '@lfe/face-pipeline';
import { importTorchGan } from '../gan/torch/import-torch-gan';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run trainer:import-torch-gan -- [options]",
  "",
  "Import weights trained by the PyTorch port (libs/trainer-torch: `nx run trainer-torch:train-gan`) as a",
  "TypeScript GAN run folder (generator checkpoint + resumable trainer state + sample sheet):",
  "  npx nx run trainer:import-torch-gan -- --in DIR_WITH_gan.json --out training/gan-torch",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({ options: { in: { type: 'string' }, out: { type: 'string' } } });
if (values.in === undefined || values.out === undefined) {
  console.error('import-torch-gan: --in DIR (gan.json + gan.bin) and --out DIR are required');
  process.exit(2);
}
await initRuntime();
try {
  const { step, meta } = await importTorchGan(values.in, values.out, `nx run trainer:import-torch-gan -- ${process.argv.slice(2).join(' ')}`);
  console.log(`import-torch-gan: ${values.out} at step ${step} (${meta.totalImages} images; ${meta.torchImages} of them on ${meta.device})`);
} catch (e) {
  console.error(`import-torch-gan: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
