/** `nx run face-pipeline:build-wasm-kernels`: the usage and options are in USAGE below (printed by `--help`). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASM_TEXT_KERNELS } from '../runtime/wasm-kernels/wasm-text-kernels';
import { compileWat, embeddedModuleSource } from '../runtime/wasm-kernels/wat';

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run face-pipeline:build-wasm-kernels -- [options]",
  "",
  "Compile our WebAssembly text kernels and embed each binary in a TypeScript module:",
  "  npx nx run face-pipeline:build-wasm-kernels",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}

const dir = join(dirname(fileURLToPath(import.meta.url)), '../runtime/wasm-kernels');
for (const k of WASM_TEXT_KERNELS) {
  const bytes = await compileWat(join(dir, k.wat));
  writeFileSync(join(dir, k.embedded), embeddedModuleSource(k.constName, k.wat, bytes));
  console.log(`${k.wat} → ${k.embedded} (${bytes.length} bytes)`);
}
