import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { STAMP_BLOCK, readFrameNumber } from '@lfe/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RgbFrame, resolveFfmpeg } from '@lfe/media';

/**
 * The real thing: @lfe/protocol's stamp reader on a clip rendered by face-synth's `clip --stamp` CLI,
 * as the browser E2E uses, decoded by the server's ffmpeg (the pure round trip is in libs/protocol).
 */
describe('frame stamp against a face-synth stamped clip', () => {
  const root = resolve(import.meta.dirname, '../../../..');
  const W = 320;
  const H = 240;
  const FRAMES = 12;
  let dir: string;
  let clip: string;

  const rgbFrames = (args: string[], input?: Buffer): RgbFrame[] => {
    const r = spawnSync(resolveFfmpeg().path, ['-loglevel', 'error', ...args, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { input, maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString()}`);
    const size = W * H * 3;
    return Array.from({ length: r.stdout.length / size }, (_, i) => ({ width: W, height: H, data: r.stdout.subarray(i * size, (i + 1) * size) }));
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stamp-'));
    clip = join(dir, 'clip.y4m');
    const r = spawnSync(join(root, 'node_modules/.bin/tsx'), ['libs/face-synth/src/cli/clip.ts', '--out', clip, '--seconds', String(FRAMES / 30), '--size', `${W}x${H}`, '--stamp'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`face-synth clip failed: ${r.stderr || r.stdout}`);
  }, 150_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every frame number of the y4m (8-px blocks; the old 16-px default did not)', () => {
    const frames = rgbFrames(['-i', clip]);
    expect(frames).toHaveLength(FRAMES);
    expect(STAMP_BLOCK).toBe(8);
    expect(frames.map((f) => readFrameNumber(f))).toEqual(frames.map((_, i) => i));
    expect(frames.map((f) => readFrameNumber(f, 16))).not.toEqual(frames.map((_, i) => i));
  });

  it('still reads them after a VP8 round trip at a modest bitrate', () => {
    const vp8 = spawnSync(resolveFfmpeg().path, ['-loglevel', 'error', '-i', clip, '-c:v', 'libvpx', '-b:v', '500k', '-deadline', 'realtime', '-cpu-used', '8', '-f', 'ivf', 'pipe:1'], { maxBuffer: 1 << 26 });
    expect(vp8.status).toBe(0);
    const frames = rgbFrames(['-f', 'ivf', '-i', 'pipe:0'], vp8.stdout);
    expect(frames.map((f) => readFrameNumber(f))).toEqual(frames.map((_, i) => i));
  });
});
