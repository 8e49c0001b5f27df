import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL } from '@lfe/face-pipeline';
import { afterAll, describe, expect, it } from 'vitest';
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
    expect(parseServeArgs(['--composite', 'local-replace'], {}).composite).toBe('local-replace');
    expect(parseServeArgs([], {}).localize).toBe(true);
    expect(parseServeArgs(['--no-localize'], {}).localize).toBe(false);
    expect(parseServeArgs([], { LFE_COMPOSITE: 'replace' }).composite).toBe('replace');
    expect(parseServeArgs([], {}).refineEdit).toBe(10);
    expect(parseServeArgs(['--refine-edit', '0'], {}).refineEdit).toBe(0);
    expect(parseServeArgs(['--refine-edit', '10'], {}).refineEdit).toBe(10);
    expect(parseServeArgs([], { LFE_REFINE_EDIT: '5' }).refineEdit).toBe(5);
    expect(() => parseServeArgs(['--refine-edit', 'x'], {})).toThrow(/--refine-edit/);
  });

  it('takes an external recogniser command line (flag, env), quoted like a shell line', () => {
    expect(parseServeArgs([], {}).speechCommand).toBeUndefined();
    expect(parseServeArgs(['--speech-command', `zh-asr --model "/opt/zh model" -q`], {}).speechCommand).toEqual(['zh-asr', '--model', '/opt/zh model', '-q']);
    expect(parseServeArgs([], { LFE_SPEECH_COMMAND: 'asr' }).speechCommand).toEqual(['asr']);
    expect(parseServeArgs(['--speech-command', 'b'], { LFE_SPEECH_COMMAND: 'a' }).speechCommand).toEqual(['b']);
    expect(() => parseServeArgs(['--speech-command', 'asr "x'], {})).toThrow(/--speech-command: .*unclosed/);
  });

  it('--model / LFE_MODEL / the config file pick the model; face-pipeline\'s DEFAULT_MODEL otherwise', () => {
    expect(parseServeArgs([], {}).model).toBe(DEFAULT_MODEL);
    expect(parseServeArgs(['--model', 'real'], {}).model).toBe('real');
    expect(parseServeArgs([], { LFE_MODEL: 'real' }).model).toBe('real');
    expect(parseServeArgs(['--model', 'synthetic'], { LFE_MODEL: 'real' }).model).toBe('synthetic');
    expect(() => parseServeArgs(['--model', 'celeba'], {})).toThrow(/--model: must be synthetic or real \(got "celeba"\)/);
    expect(() => parseServeArgs([], { LFE_MODEL: 'x' })).toThrow(/LFE_MODEL: must be synthetic or real/);
    const d = mkdtempSync(join(tmpdir(), 'cfg-model-'));
    try {
      const f = join(d, 'c.json');
      writeFileSync(f, JSON.stringify({ model: 'real' }));
      expect(parseServeArgs(['--config', f], {}).model).toBe('real');
      expect(parseServeArgs(['--config', f], { LFE_MODEL: 'synthetic' }).model).toBe('synthetic');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('names the flag in errors', () => {
    expect(() => parseServeArgs(['--effect', 'cartoon'], {})).toThrow(/--effect/);
    expect(() => parseServeArgs(['--port', '-1'], {})).toThrow(/--port/);
    expect(() => parseServeArgs(['--width', '641'], {})).toThrow(/even/);
    expect(() => parseServeArgs(['--bogus'], {})).toThrow();
    expect(() => parseServeArgs(['--composite', 'blend'], {})).toThrow(/--composite/);
    expect(() => parseServeArgs(['--ice-server', 'http://stun.example'], {})).toThrow(/--ice-server: "http:\/\/stun.example"/);
    expect(() => parseServeArgs(['--allow-origin', 'evil.example'], {})).toThrow(/--allow-origin/);
    expect(() => parseServeArgs(['--ice-credential', 'nocolon'], {})).toThrow(/--ice-credential/);
  });

  it('has no ICE servers, no extra hosts or origins by default; reads them as lists', () => {
    const d = parseServeArgs([], {});
    expect(d).toMatchObject({ iceServers: [], allowHosts: [], allowOrigins: [], iceAllowPrivate: false, maxViewers: 32, maxViewersPerSession: 8 });
    const c = parseServeArgs(['--ice-server', 'stun:stun.example:3478, turn:turn.example', '--allow-host', 'box.lan,box', '--allow-origin', 'https://studio.example', '--ice-allow-private'], { LFE_ICE_CREDENTIAL: 'u:p:q' });
    expect(c.iceServers).toEqual([{ urls: 'stun:stun.example:3478' }, { urls: 'turn:turn.example', username: 'u', credential: 'p:q' }]);
    expect(c.allowHosts).toEqual(['box.lan', 'box']);
    expect(c.allowOrigins).toEqual(['https://studio.example']);
    expect(c.iceAllowPrivate).toBe(true);
    expect(parseServeArgs([], { LFE_ICE_SERVERS: 'stun:a.example' }).iceServers).toEqual([{ urls: 'stun:a.example' }]);
  });
});

describe('parseServeArgs --config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('reads a JSON file of options; flags, then the environment, win over it', () => {
    const p = file('ok.json', JSON.stringify({ port: 9100, schedule: 'inline', 'model-every': 3, 'no-voice': true, composite: 'replace' }));
    expect(parseServeArgs(['--config', p], {})).toMatchObject({ port: 9100, schedule: 'inline', modelEvery: 3, voice: false, composite: 'replace' });
    expect(parseServeArgs(['--config', p, '--port', '9200'], { PORT: '9300' }).port).toBe(9200);
    expect(parseServeArgs(['--config', p], { PORT: '9300', LFE_COMPOSITE: 'delta' })).toMatchObject({ port: 9300, composite: 'delta' });
    expect(parseServeArgs([], { LFE_CONFIG: p }).schedule).toBe('inline');
    // Values from the file are validated like flags.
    expect(() => parseServeArgs(['--config', file('bad-value.json', '{"schedule": "later"}')], {})).toThrow(/--schedule/);
  });

  it('refuses a missing file, bad JSON, unknown keys and wrong types with the reason', () => {
    expect(() => parseServeArgs(['--config', join(dir, 'none.json')], {})).toThrow(/cannot read .*ENOENT/);
    expect(() => parseServeArgs(['--config', file('bad.json', '{"port": 80')], {})).toThrow(/not valid JSON/);
    expect(() => parseServeArgs(['--config', file('arr.json', '[1]')], {})).toThrow(/JSON object/);
    expect(() => parseServeArgs(['--config', file('unknown.json', '{"prot": 80}')], {})).toThrow(/unknown option "prot".*known: port/);
    expect(() => parseServeArgs(['--config', file('type.json', '{"no-voice": "yes"}')], {})).toThrow(/"no-voice" must be true or false/);
    expect(() => parseServeArgs(['--config', file('obj.json', '{"port": {"n": 1}}')], {})).toThrow(/"port" must be a string or a number/);
  });
});

describe('parseServeArgs --schedule', () => {
  it('defaults to async, reads flag and env, refuses others', () => {
    expect(parseServeArgs([], {}).schedule).toBe('async');
    expect(parseServeArgs(['--schedule', 'inline'], {}).schedule).toBe('inline');
    expect(parseServeArgs([], { LFE_SCHEDULE: 'inline' }).schedule).toBe('inline');
    expect(() => parseServeArgs(['--schedule', 'soon'], {})).toThrow(/--schedule: must be inline or async/);
  });
});
