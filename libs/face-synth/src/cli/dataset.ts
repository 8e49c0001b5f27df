/**
 * `nx run face-synth:dataset -- --out tmp/faces64 --count 20000 --size 64 --seed 1 [--shard-size 1000]`:
 * render a sharded dataset (runs under `flock /tmp/heavy.lock`, see project.json).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDataset } from '../dataset/writer';
import { intArg, runCli } from './cli-util';

await runCli('dataset --out DIR --count N [--size 64] [--seed S] [--shard-size N]', async () => {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      count: { type: 'string' },
      size: { type: 'string', default: '64' },
      seed: { type: 'string', default: '1' },
      'shard-size': { type: 'string', default: '1000' },
    },
  });
  if (values.out === undefined) throw new TypeError('--out is required');
  const dir = resolve(values.out);
  const t0 = performance.now();
  const manifest = await writeDataset({
    dir,
    count: intArg('count', values.count, 1, 10_000_000),
    size: intArg('size', values.size, 32, 256),
    seed: intArg('seed', values.seed),
    shardSize: intArg('shard-size', values['shard-size'], 1, 1_000_000),
    onShard: (done, total) => {
      const s = (performance.now() - t0) / 1000;
      console.log(`${done}/${total} images, ${(done / s).toFixed(0)} images/s`);
    },
  });
  console.log(`wrote ${dir}: ${manifest.count} images of ${manifest.size}×${manifest.size} in ${manifest.shards.length} shards`);
});
