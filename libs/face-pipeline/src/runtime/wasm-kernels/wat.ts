import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Development only (wabt is a devDependency): compile one of our `.wat` kernels to its binary, as
 * the build script does when it writes the embedded copy and as the test does when it checks that
 * copy is current. The runtime never imports this file.
 */
export async function compileWat(path: string): Promise<Uint8Array> {
  const require = createRequire(import.meta.url);
  const init = require('wabt') as () => Promise<{
    parseWat(name: string, text: string, features?: Record<string, boolean>): {
      resolveNames(): void;
      validate(): void;
      toBinary(opts: { log?: boolean; write_debug_names?: boolean }): { buffer: Uint8Array };
      destroy(): void;
    };
  }>;
  const wabt = await init();
  const mod = wabt.parseWat(path, readFileSync(path, 'utf8'), { simd: true });
  try {
    mod.resolveNames();
    mod.validate();
    return Uint8Array.from(mod.toBinary({ write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}

/** The generated TypeScript module that embeds a compiled kernel (base64, so no file is read at run time). */
export function embeddedModuleSource(constName: string, watFile: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,96}/g) ?? [];
  return [
    `// Generated from ${watFile} by \`npx nx run face-pipeline:build-wasm-kernels\`; do not edit.`,
    '// wasm-kernels.test.ts fails when this copy differs from a fresh compile of the .wat.',
    `export const ${constName} =`,
    ...lines.map((l, i) => `  '${l}'${i === lines.length - 1 ? ';' : ' +'}`),
    '',
  ].join('\n');
}
