import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage } from '../photo/image-io';
import { findFfmpeg } from '../runtime/host-tools';
import { initRuntime } from '../runtime/init-runtime';
import { composePhoto } from '../testing/real-photo';
import { writeTinyEditorBundle } from '../testing/tiny-editor';
import { parseTime, probeVideo } from '../video/video-edit';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const CLI = join(ROOT, 'libs/face-pipeline/src/cli/edit-video.ts');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const ffmpeg = findFfmpeg().path!;

let dir: string;
let bundle: { editorDir: string; generatorDir: string };
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'edit-video-'));
  bundle = writeTinyEditorBundle(dir);
  writeFileSync(join(dir, 'still.png'), encodeImage(await composePhoto(320, 240, [{ n: 28505, x: 90, y: 30, size: 170 }]), 'png'));
  // 2 s at 12 fps with a 440 Hz tone: a clip with audio (a still face; the test is about the file path).
  const r = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', join(dir, 'still.png'), '-f', 'lavfi', '-i', 'sine=f=440:r=48000', '-t', '2', '-r', '12', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', join(dir, 'clip.mp4')]);
  if (r.status !== 0) throw new Error(`ffmpeg could not make the test clip: ${r.stderr.toString()}`);
  writeFileSync(join(dir, 'junk.mp4'), 'not a video');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const editVideoCli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  run(TSX, [CLI, '--editor', bundle.editorDir, '--generator', bundle.generatorDir, ...args], { cwd: ROOT, env: { ...process.env, FACE_BACKEND: 'wasm' } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

function frameCount(file: string): number {
  const r = spawnSync(ffmpeg, ['-hide_banner', '-i', file, '-map', '0:v:0', '-f', 'null', '-'], { encoding: 'utf8' });
  return Number([...r.stderr.matchAll(/frame=\s*(\d+)/g)].pop()?.[1] ?? -1);
}

describe('nx run face-pipeline:edit-video', () => {
  it('reads times', () => {
    expect([parseTime('3s'), parseTime('1.5s'), parseTime('250ms'), parseTime('1:05'), parseTime('2')]).toEqual([3000, 1500, 250, 65000, 2000]);
    expect(() => parseTime('soon')).toThrow(/want e.g. 3s/);
  });

  it('edits a clip on a schedule, keeping size, frame rate, frame count, duration and audio', async () => {
    const out = join(dir, 'out.mp4');
    const r = await editVideoCli(['--in', join(dir, 'clip.mp4'), '--at', '0s', 'add glasses', '--at', '1s', 'blond hair', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/edit-video: 24 frames \(320×240 at 12 fps, audio kept\) in [\d.]+ s = [\d.]+ fps; 24 edited, 0 without a face/);
    const inInfo = probeVideo(join(dir, 'clip.mp4'));
    const outInfo = probeVideo(out);
    expect([outInfo.width, outInfo.height, outInfo.fps, outInfo.hasAudio]).toEqual([320, 240, 12, true]);
    expect(Math.abs(outInfo.durationS - inInfo.durationS)).toBeLessThan(0.15);
    expect(frameCount(out)).toBe(frameCount(join(dir, 'clip.mp4')));
  }, 120_000);

  it('prints usage with --help; fails clearly, with distinct codes, writing nothing', async () => {
    const help = await editVideoCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--at TIME "COMMAND"/);
    expect(help.stdout).toMatch(/--model NAME +synthetic \(models\/default\) \| real \(models\/real\)/);
    const cases: Array<[string[], number, RegExp]> = [
      [['--in', join(dir, 'clip.mp4'), '--text', 'add goggles', '--out', join(dir, 'x1.mp4')], 5, /unknown word "goggles"/],
      [['--in', join(dir, 'junk.mp4'), '--text', 'add glasses', '--out', join(dir, 'x2.mp4')], 3, /no video stream/],
      [['--in', join(dir, 'clip.mp4'), '--text', 'add glasses', '--out', join(dir, 'x3.gif')], 3, /extension must be/],
      [['--in', join(dir, 'clip.mp4'), '--out', join(dir, 'x4.mp4')], 2, /give --text/],
      [['--in', join(dir, 'clip.mp4'), '--at', 'later', 'smile', '--out', join(dir, 'x5.mp4')], 2, /time "later"/],
      // The real model's world, at the parse step: exit 2 before the video or a model is read.
      [['--in', join(dir, 'clip.mp4'), '--at', '0s', 'add glasses', '--at', '1s', 'red hair', '--out', join(dir, 'x6.mp4'), '--model', 'real'], 2, /this model cannot do hairColor=red/],
      [['--in', join(dir, 'clip.mp4'), '--text', 'smile', '--out', join(dir, 'x7.mp4'), '--model', 'celeba'], 2, /--model: must be synthetic or real/],
    ];
    for (const [args, code, msg] of cases) {
      const r = await editVideoCli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr).toMatch(msg);
    }
    for (const f of ['x1.mp4', 'x2.mp4', 'x3.gif', 'x4.mp4', 'x5.mp4', 'x6.mp4', 'x7.mp4']) expect(existsSync(join(dir, f))).toBe(false);
  }, 120_000);
});
