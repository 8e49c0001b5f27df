import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../runtime/init-runtime';
import { decodeImage, encodeImage } from '../photo/image-io';
import { composePhoto } from '../testing/real-photo';
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
  // A 512×384 photo with one real test face (from ../shared/realface, written to a temp folder only).
  writeFileSync(join(dir, 'photo.png'), encodeImage(await composePhoto(512, 384, [{ n: 28504, x: 150, y: 60, size: 220 }]), 'png'));
  writeFileSync(join(dir, 'blank.png'), encodeImage({ width: 200, height: 150, data: new Uint8Array(200 * 150 * 3).fill(120) }, 'png'));
  writeFileSync(join(dir, 'junk.png'), 'not an image');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const edit = (args: string[], withModels = true): Promise<{ code: number; stdout: string; stderr: string }> =>
  run(TSX, [CLI, ...(withModels ? ['--editor', bundle.editorDir, '--generator', bundle.generatorDir, '--captioner', bundle.captionerDir] : []), ...args], { cwd: ROOT, env: { ...process.env, FACE_BACKEND: 'wasm' } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe('nx run face-pipeline:edit', () => {
  it('prints its usage with --help and exits 0', async () => {
    const r = await edit(['--help'], false);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: npx nx run face-pipeline:edit/);
    expect(r.stdout).toMatch(/Exit codes/);
  });

  it('edits the face of a photo and writes the photo at its own size (side by side: twice as wide)', async () => {
    const out = join(dir, 'out.jpg');
    const r = await edit(['--in', join(dir, 'photo.png'), '--text', 'add glasses', '--out', out, '--refine-edit', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/on 1 of 1 face\(s\) asked for \(1 found\) in 512×384/);
    const img = await decodeImage(readFileSync(out), out);
    expect([img.width, img.height]).toEqual([512, 384]);
    const sbs = join(dir, 'sbs.webp');
    expect((await edit(['--in', join(dir, 'photo.png'), '--text', 'blond hair', '--out', sbs, '--side-by-side', '--refine-edit', '0'])).code).toBe(0);
    const both = await decodeImage(readFileSync(sbs), sbs);
    expect([both.width, both.height]).toEqual([1024, 384]);
  }, 90_000);

  it('fails with a clear message, a distinct exit code and no output file', async () => {
    const cases: Array<[string[], number, RegExp, boolean?]> = [
      [['--in', join(dir, 'photo.png'), '--text', 'add goggles', '--out', join(dir, 'x1.png')], 5, /unknown word "goggles"/],
      [['--in', join(dir, 'junk.png'), '--text', 'add glasses', '--out', join(dir, 'x2.png')], 3, /not a decodable image/],
      [['--in', join(dir, 'nope.png'), '--text', 'add glasses', '--out', join(dir, 'x3.png')], 3, /cannot read .*nope\.png \(ENOENT\)/],
      [['--in', join(dir, 'blank.png'), '--text', 'add glasses', '--out', join(dir, 'x4.png')], 4, /no face found/],
      [['--in', join(dir, 'photo.png'), '--text', 'add glasses', '--out', join(dir, 'x5.png'), '--face', '2'], 4, /face 2 asked for, 1 found/],
      [['--in', join(dir, 'photo.png'), '--text', 'add glasses', '--out', join(dir, 'x6.gif')], 2, /extension must be/],
      [['--in', join(dir, 'photo.png'), '--text', 'add glasses', '--out', join(dir, 'x7.png'), '--editor', join(dir, 'none')], 1, /editor\.json/],
      [['--bogus'], 2, /Unknown option '--bogus'/],
      // The real model's world: refused at the parse step (before the photo or a model is read), exit 2.
      [['--in', join(dir, 'photo.png'), '--text', 'red hair', '--out', join(dir, 'x8.png'), '--model', 'real'], 2, /this model cannot do hairColor=red; it can do: .*eyewear=glasses/],
      [['--in', join(dir, 'nope.png'), '--text', 'add glasses and thin eyebrows', '--out', join(dir, 'x9.png'), '--model', 'real'], 2, /this model cannot do eyebrows=thin/],
      [['--in', join(dir, 'photo.png'), '--text', 'add glasses', '--out', join(dir, 'x10.png'), '--model', 'celeba'], 2, /--model: must be synthetic or real/],
    ];
    for (const [args, code, msg] of cases) {
      const r = await edit(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr).toMatch(msg);
    }
    for (const f of ['x1.png', 'x2.png', 'x3.png', 'x4.png', 'x5.png', 'x6.gif', 'x7.png', 'x8.png', 'x9.png', 'x10.png']) expect(existsSync(join(dir, f))).toBe(false);
  }, 120_000);

  it('with no model option the shipped real-face model edits the photo: "add glasses" changes the eyes, not the mouth', async () => {
    const out = join(dir, 'real.png');
    const r = await edit(['--in', join(dir, 'photo.png'), '--text', 'add glasses', '--out', out], false);
    expect(r.code, r.stderr).toBe(0);
    const a = await decodeImage(readFileSync(join(dir, 'photo.png')), 'photo');
    const b = await decodeImage(readFileSync(out), out);
    // The face is pasted at (150, 60), 220 px: CelebA-HQ framing puts the eyes ~0.47 and the mouth ~0.74 down.
    const change = (x0: number, y0: number, w: number, h: number): number => {
      let s = 0;
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) for (let k = 0; k < 3; k++) s += Math.abs(a.data[(y * a.width + x) * 3 + k]! - b.data[(y * b.width + x) * 3 + k]!);
      return s / (w * h * 3);
    };
    const eyes = change(150 + 50, 60 + 93, 120, 24);
    const mouth = change(150 + 80, 60 + 155, 60, 20);
    expect(eyes, `mean change around the eyes ${eyes.toFixed(1)}, the mouth ${mouth.toFixed(1)}`).toBeGreaterThan(6);
    expect(mouth).toBeLessThan(eyes / 4);
  }, 90_000);
});
