/** `nx run face-pipeline:doctor`: the usage and options are in USAGE below (printed by `--help`). */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { findFfmpeg, findSystemTool, type ToolCheck } from '../runtime/host-tools';
import { initRuntime } from '../runtime/init-runtime';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run face-pipeline:doctor -- [options]",
  "",
  "Self-check: which tfjs backend runs and why, our training kernels, measured GFLOP/s, and the",
  "external tools the product needs, each with a fix when missing.",
  "  npx nx run face-pipeline:doctor [-- --json]",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });

function measure(fn: () => tf.Tensor, flop: number, runs = 3): number {
  const warm = tf.tidy(fn);
  warm.dataSync();
  warm.dispose();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const out = tf.tidy(fn);
    out.dataSync();
    best = Math.min(best, performance.now() - t0);
    out.dispose();
  }
  return flop / (best * 1e6);
}

const report = await initRuntime();
const x = tf.randomNormal<tf.Rank.R4>([4, 64, 64, 32]);
const w = tf.randomNormal<tf.Rank.R4>([3, 3, 32, 32]);
const a = tf.randomNormal<tf.Rank.R2>([256, 256]);
const conv2dGflops = measure(() => tf.conv2d(x, w, 1, 'same'), 2 * 4 * 64 * 64 * 32 * 9 * 32);
const matmulGflops = measure(() => tf.matMul(a, a), 2 * 256 ** 3);
tf.dispose([x, w, a]);

const model = '/usr/share/pocketsphinx/model/en-us';
const tools: ToolCheck[] = [
  findFfmpeg(),
  findSystemTool('pocketsphinx', 'pocketsphinx_continuous', 'POCKETSPHINX_PATH', [], 'pocketsphinx'),
  {
    name: 'pocketsphinx-en-us model',
    found: existsSync(model),
    path: existsSync(model) ? model : null,
    version: null,
    source: existsSync(model) ? 'system' : null,
    fix: 'run `bash scripts/setup.sh` (or apt-get install pocketsphinx-en-us)',
  },
  findSystemTool('espeak-ng', 'espeak-ng', 'ESPEAK_PATH', ['--version'], 'espeak-ng'),
  findSystemTool('sox', 'sox', 'SOX_PATH', ['--version'], 'sox'),
  findSystemTool('chromium', 'chromium', 'CHROMIUM_PATH', ['--version'], 'chromium'),
];

const result = { backend: report.backend, reason: report.reason, attempts: report.attempts, trainingKernels: report.trainingKernels?.kernels ?? [], conv2dGflops, matmulGflops, tools };
if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`backend      ${report.backend} — ${report.reason}`);
  for (const at of report.attempts) console.log(`  ${at.ok ? 'ok  ' : 'skip'} ${at.package ?? at.backend}: ${at.detail}`);
  console.log(`kernels      ${result.trainingKernels.map((k) => `${k.name} (${k.kind})`).join(', ') || 'none (not on wasm)'}`);
  console.log(`speed        conv2d ${conv2dGflops.toFixed(1)} GFLOP/s, matmul ${matmulGflops.toFixed(1)} GFLOP/s (4x64x64x32 3x3; 256²)`);
  for (const t of tools) {
    console.log(t.found ? `${t.name.padEnd(12)} ok   ${t.path}${t.version ? ` — ${t.version}` : ''}` : `${t.name.padEnd(12)} MISSING — fix: ${t.fix}`);
  }
}
const missing = tools.filter((t) => !t.found);
process.exitCode = missing.length === 0 ? 0 : 2;
