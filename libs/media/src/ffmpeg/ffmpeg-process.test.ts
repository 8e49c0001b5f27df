import { describe, expect, it } from 'vitest';
import { FfmpegExitError, FfmpegStartError } from '../errors';
import { FfmpegProcess } from './ffmpeg-process';
import { resolveFfmpeg } from './ffmpeg-path';

const CAT_ARGS = ['-loglevel', 'error', '-f', 'u8', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', 'u8', '-flush_packets', '1', 'pipe:1'];

describe('FfmpegProcess', () => {
  it('resolves a working ffmpeg', () => {
    const bin = resolveFfmpeg();
    expect(bin.path).not.toBe('');
    expect(bin.version).toMatch(/ffmpeg/);
  });

  it('pipes bytes through and closes cleanly (end stdin, no died event)', async () => {
    const p = new FfmpegProcess({ name: 'cat', args: CAT_ARGS });
    await p.ready;
    let died = false;
    p.on('died', () => (died = true));
    const got: Buffer[] = [];
    p.on('data', (b) => got.push(b));
    p.write(Buffer.alloc(8000, 9));
    await p.close();
    expect(died).toBe(false);
    expect(p.running).toBe(false);
    expect(Buffer.concat(got).length).toBe(8000);
    expect(p.write(Buffer.alloc(1))).toBe(false); // after close: dropped, no throw
    await p.close(); // idempotent
  });

  it('tells "failed to start" from "died later"', async () => {
    const missing = new FfmpegProcess({ name: 'missing', args: [], binary: { path: '/nonexistent/ffmpeg', source: 'FFMPEG_PATH', major: 5, version: '' } });
    await expect(missing.ready).rejects.toBeInstanceOf(FfmpegStartError);

    const p = new FfmpegProcess({ name: 'victim', args: CAT_ARGS });
    await p.ready;
    const died = new Promise<FfmpegExitError>((r) => p.on('died', r));
    p.killForTest('SIGKILL');
    const err = await died;
    expect(err).toBeInstanceOf(FfmpegExitError);
    expect(err.signal).toBe('SIGKILL');
    // Writing into the dead process (EPIPE) must neither throw nor crash.
    for (let i = 0; i < 20; i++) p.write(Buffer.alloc(65536));
    await p.close();
  });

  it('runs one-shot jobs and reports failures with the stderr tail', async () => {
    const out = await FfmpegProcess.run({ name: 'gen', args: ['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=d=0.1:r=8000', '-f', 'u8', 'pipe:1'] });
    expect(out.length).toBe(800);
    await expect(FfmpegProcess.run({ name: 'bad', args: ['-loglevel', 'error', '-f', 'nonsense', '-i', 'pipe:0', 'pipe:1'], input: Buffer.alloc(10) })).rejects.toMatchObject({
      name: 'FfmpegExitError',
    });
  });
});
