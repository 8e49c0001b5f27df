/** `nx run speech:transcribe`: the usage and options are in USAGE below (printed by `--help`). */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CommandRecognizerOptions } from '../command-recognizer';
import { transcribeWavFile } from '../transcribe';
import { parseArgs } from './args';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run speech:transcribe -- [options]",
  "",
  "nx run speech:transcribe -- --file x.wav | --dir DIR [--json] [--grammar G.jsgf]",
  "Prints `file<TAB>text` per WAV (utterances joined by \" | \", empty when nothing was recognised);",
  "with --json, then one line of JSON summary. Exit code 1 if any file could not be read.",
].join('\n');

async function main(): Promise<number> {
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(process.argv.slice(2), ['json']);
  const file = args.get('file');
  const dir = args.get('dir');
  if ((typeof file === 'string') === (typeof dir === 'string')) {
    process.stderr.write('usage: transcribe --file x.wav | --dir DIR [--json] [--grammar G.jsgf]\n');
    return 2;
  }
  const options: CommandRecognizerOptions = {};
  const grammarPath = args.get('grammar');
  if (typeof grammarPath === 'string') {
    const grammar = await readFile(grammarPath, 'utf8');
    options.vocabulary = { grammar, words: [] };
  }
  const files =
    typeof dir === 'string'
      ? (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.wav')).sort().map((f) => join(dir, f))
      : [file as string];
  const started = performance.now();
  const results: { file: string; text: string; utterances: number; error?: string }[] = [];
  for (const f of files) {
    try {
      const us = await transcribeWavFile(f, options);
      const text = us.map((u) => u.text).join(' | ');
      results.push({ file: basename(f), text, utterances: us.length });
      process.stdout.write(`${basename(f)}\t${text}\n`);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      results.push({ file: basename(f), text: '', utterances: 0, error: message });
      process.stdout.write(`${basename(f)}\t\n`);
      process.stderr.write(`${basename(f)}: ${message}\n`);
    }
  }
  if (args.get('json') === true) {
    const summary = {
      files: results.length,
      recognised: results.filter((r) => r.text !== '').length,
      errors: results.filter((r) => r.error !== undefined).length,
      wallMs: Math.round(performance.now() - started),
      results,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`transcribe: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
