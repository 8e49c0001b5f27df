import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { hashInts, render, sample } from '@lfe/face-synth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../runtime/init-runtime';
import { writeTinyEditorBundle } from '../testing/tiny-editor';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const CLI = join(ROOT, 'libs/face-pipeline/src/cli/edit.ts');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

let dir: string;
let bundle: { editorDir: string; generatorDir: string; captionerDir: string };
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'edit-cli-'));
  bundle = writeTinyEditorBundle(dir);
  const img = render(sample(hashInts(4, 2)), 80);
  const c = createCanvas(80, 80);
  const ctx = c.getContext('2d');
  const data = ctx.createImageData(80, 80);
  for (let i = 0; i < 80 * 80; i++) {
    for (let k = 0; k < 3; k++) data.data[i * 4 + k] = img.data[i * 3 + k]!;
    data.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
  writeFileSync(join(dir, 'face.png'), c.toBuffer('image/png'));
  writeFileSync(join(dir, 'junk.png'), 'not an image');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const edit = (args: string[]): Promise<{ code: number; stderr: string }> =>
  run(TSX, [CLI, '--editor', bundle.editorDir, '--generator', bundle.generatorDir, '--captioner', bundle.captionerDir, ...args], { cwd: ROOT, env: { ...process.env, FACE_BACKEND: 'wasm' } }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

describe('nx run face-pipeline:edit', () => {
  it('edits a face image into a PNG at the model resolution (side by side: input | reconstruction | edit)', async () => {
    const out = join(dir, 'out.png');
    const r = await edit(['--in', join(dir, 'face.png'), '--text', 'add glasses', '--out', out, '--side-by-side']);
    expect(r.code, r.stderr).toBe(0);
    const img = await loadImage(out);
    expect([img.width, img.height]).toEqual([96, 32]);
  }, 60_000);

  it('fails clearly on unknown words, a non-image and a missing model', async () => {
    const bad = await edit(['--in', join(dir, 'face.png'), '--text', 'add goggles', '--out', join(dir, 'x.png')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown word "goggles"/);
    const junk = await edit(['--in', join(dir, 'junk.png'), '--text', 'add glasses', '--out', join(dir, 'x.png')]);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toMatch(/not a PNG or JPEG/);
    const missing = await run(TSX, [CLI, '--in', join(dir, 'face.png'), '--text', 'add glasses', '--out', join(dir, 'x.png'), '--editor', join(dir, 'none'), '--generator', bundle.generatorDir], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((missing as { code: number }).code).toBe(1);
    expect((missing as { stderr: string }).stderr).toMatch(/editor\.json/);
  }, 60_000);
});
