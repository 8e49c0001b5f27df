import { describe, expect, it } from 'vitest';
import { parseServeArgs } from './config';

describe('parseServeArgs', () => {
  it('has the documented defaults and reads flags and env', () => {
    const c = parseServeArgs([], {});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', effect: 'edit', detectEvery: 5, modelEvery: 2, composite: 'delta', maxSessions: 4, width: 640, height: 480, fps: 30, voice: undefined, requireToken: false });
    expect(parseServeArgs(['--port', '9000', '--effect', 'none', '--no-voice', '--max-sessions', '2'], { LFE_TOKEN: 't' })).toMatchObject({
      port: 9000,
      effect: 'none',
      voice: false,
      maxSessions: 2,
      token: 't',
    });
    expect(parseServeArgs(['--composite', 'replace'], {}).composite).toBe('replace');
    expect(parseServeArgs([], { LFE_COMPOSITE: 'replace' }).composite).toBe('replace');
  });

  it('names the flag in errors', () => {
    expect(() => parseServeArgs(['--effect', 'cartoon'], {})).toThrow(/--effect/);
    expect(() => parseServeArgs(['--port', '-1'], {})).toThrow(/--port/);
    expect(() => parseServeArgs(['--width', '641'], {})).toThrow(/even/);
    expect(() => parseServeArgs(['--bogus'], {})).toThrow();
    expect(() => parseServeArgs(['--composite', 'blend'], {})).toThrow(/--composite/);
  });
});
