import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFrameNumber } from '@lfe/protocol';
import { parseServeArgs } from './config';
import { resolveFfmpeg } from '@lfe/media';
import { v4l2SinkArgs } from './media/v4l2-sink';
import { startTestServer } from './testing/server-fixture';
import { TestPublisher } from './testing/werift-client';

describe('virtual camera output (--v4l2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'v4l2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the ffmpeg v4l2 arguments (untested on a real device: no v4l2loopback here)', () => {
    const args = v4l2SinkArgs({ target: '/dev/video10', width: 640, height: 480, fps: 30 });
    expect(args.join(' ')).toContain('-f rawvideo -pix_fmt rgb24 -s 640x480 -r 30 -i pipe:0');
    expect(args.slice(-5)).toEqual(['-pix_fmt', 'yuv420p', '-f', 'v4l2', '/dev/video10']);
  });

  it('parses --v4l2 with --v4l2-session, and refuses one without the other', () => {
    expect(parseServeArgs(['--v4l2', '/dev/video10', '--v4l2-session', 'cam'], {}).v4l2).toEqual({ target: '/dev/video10', session: 'cam' });
    expect(parseServeArgs([], {}).v4l2).toBeUndefined();
    expect(() => parseServeArgs(['--v4l2', '/dev/video10'], {})).toThrow(/--v4l2-session/);
    expect(() => parseServeArgs(['--v4l2', '/dev/video10', '--v4l2-session', 'Bad Id'], {})).toThrow(/v4l2-session/);
  });

  it("writes that session's processed frames (and only that session's) — here into a y4m file", async () => {
    const target = join(dir, 'cam.y4m');
    const server = await startTestServer({ v4l2: { target, session: 'cam', format: 'yuv4mpegpipe' } });
    const cam = new TestPublisher({ baseUrl: server.url, width: 320, height: 240 });
    const other = new TestPublisher({ baseUrl: server.url, width: 320, height: 240 });
    try {
      await other.publish('other');
      expect(server.v4l2Sink).toBeUndefined();
      await cam.publish('cam');
      cam.start();
      other.start();
      await cam.receiver?.waitFrames(20, 10_000);
      expect(server.v4l2Sink?.stats.written).toBeGreaterThan(10);
    } finally {
      await Promise.allSettled([cam.close(), other.close()]);
      await server.close();
    }
    expect(existsSync(target)).toBe(true);
    const r = spawnSync(resolveFfmpeg().path, ['-loglevel', 'error', '-i', target, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 28 });
    expect(r.status).toBe(0);
    const size = 320 * 240 * 3;
    const ns = Array.from({ length: r.stdout.length / size }, (_, i) => readFrameNumber({ width: 320, height: 240, data: r.stdout.subarray(i * size, (i + 1) * size) }));
    expect(ns.length).toBeGreaterThan(10);
    // The publisher's frame numbers, in order: the camera shows the session's video.
    const tail = ns.slice(-10);
    for (let i = 1; i < tail.length; i++) expect(tail[i]).toBeGreaterThan(tail[i - 1] as number);
    expect(cam.sentAt.has(tail.at(-1) as number)).toBe(true);
  });
});
