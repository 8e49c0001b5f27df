/** `nx run face-synth:sheet -- --out tmp/sheet.png --seed 1 [--cell 128] [--lang en]`: an 8×8 contact sheet. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { contactSheet } from '../sheet/contact-sheet';
import { intArg, runCli } from './cli-util';

await runCli('sheet --out FILE.png [--seed N] [--cell PX] [--cols N] [--rows N] [--lang en|zh]', async () => {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      cell: { type: 'string', default: '128' },
      cols: { type: 'string', default: '8' },
      rows: { type: 'string', default: '8' },
      lang: { type: 'string', default: 'en' },
    },
  });
  if (values.out === undefined) throw new TypeError('--out is required');
  if (values.lang !== 'en' && values.lang !== 'zh') throw new TypeError('--lang must be en or zh');
  const { png, entries } = await contactSheet({
    seed: intArg('seed', values.seed),
    cell: intArg('cell', values.cell, 32, 256),
    cols: intArg('cols', values.cols, 1, 32),
    rows: intArg('rows', values.rows, 1, 32),
    lang: values.lang,
  });
  const out = resolve(values.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, png);
  for (const e of entries) console.log(`${e.index}. ${e.caption}`);
  console.log(`wrote ${out}`);
});
