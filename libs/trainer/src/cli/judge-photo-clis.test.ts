import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { loadRealFaceConfig, resolveDataDir } from '@lfe/realface';

/** The photo CLIs run as a user runs them, on full-size photos made here from the 256-px test faces. */
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const dir = mkdtempSync(join(tmpdir(), 'judge-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (cli: string, args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync('npx', ['tsx', `libs/trainer/src/cli/${cli}.ts`, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** A 1024×768 "photo": test face `n` scaled ×1.6 (mirrored when asked) on a plain background, off centre. */
async function photo(n: number, file: string, mirror: boolean): Promise<string> {
  const config = loadRealFaceConfig();
  const face = await loadImage(readFileSync(join(resolveDataDir(undefined, config), config.fullSize!, `${n}.jpg`)));
  const c = createCanvas(1024, 768);
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#4a7f9a';
  ctx.fillRect(0, 0, 1024, 768);
  ctx.translate(mirror ? 700 : 300, 150);
  ctx.scale(mirror ? -1.6 : 1.6, 1.6);
  ctx.drawImage(face, 0, 0);
  const path = join(dir, file);
  writeFileSync(path, file.endsWith('.png') ? c.toBuffer('image/png') : c.toBuffer('image/jpeg', 92));
  return path;
}

let a: string;
let aMirror: string;
let b: string;
beforeAll(async () => {
  a = await photo(28501, 'a.jpg', false);
  aMirror = await photo(28501, 'a-mirror.png', true);
  b = await photo(28502, 'b.jpg', false);
}, 60_000);

describe('trainer:judge and trainer:face-distance on full-size photos', () => {
  it('judge --json finds the face and scores the 40 attributes', () => {
    const r = run('judge', ['--world', 'real', '--in', a, b, '--json']);
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out) as Array<{ file: string; eyes: { left: [number, number] }; probabilities: Record<string, number> }>;
    expect(res).toHaveLength(2);
    expect(Object.keys(res[0]!.probabilities)).toHaveLength(40);
    // the face was placed at x 300…710: the eyes must be found there, not at the frame centre
    expect(res[0]!.eyes.left[0]).toBeGreaterThan(300);
    expect(res[0]!.eyes.left[0]).toBeLessThan(710);
  }, 120_000);

  it('face-distance: the same face mirrored is the same person, another face is not', () => {
    const same = run('face-distance', ['--a', a, '--b', aMirror, '--json']);
    expect(same.code, same.err).toBe(0);
    const s = JSON.parse(same.out) as { distance: number; threshold: number; samePerson: boolean };
    expect(s.samePerson).toBe(true);
    const other = JSON.parse(run('face-distance', ['--a', a, '--b', b, '--json']).out) as { distance: number; samePerson: boolean };
    expect(other.distance).toBeGreaterThan(s.distance);
  }, 120_000);

  it('says what is wrong: no face (exit 3), not an image (exit 4), --help (exit 0)', () => {
    const blank = join(dir, 'blank.png');
    writeFileSync(blank, createCanvas(300, 200).toBuffer('image/png'));
    const junk = join(dir, 'junk.jpg');
    writeFileSync(junk, 'not an image');
    const r1 = run('judge', ['--world', 'real', '--in', blank]);
    expect(r1.code).toBe(3);
    expect(r1.err).toMatch(/blank\.png: no face found/);
    const r2 = run('face-distance', ['--a', junk, '--b', a]);
    expect(r2.code).toBe(4);
    expect(r2.err).toMatch(/junk\.jpg: not a decodable image/);
    expect(run('judge', ['--help']).code).toBe(0);
  }, 120_000);
});
