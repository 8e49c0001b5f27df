import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors';
import { MAX_COMMAND_CHARS, MAX_MESSAGE_BYTES, MAX_MODEL_LEVELS, encodeClientMessage, parseClientMessage, parseServerMessage, type StateMessage } from './messages';

const FIXTURES = join(import.meta.dirname, 'fixtures');

describe('parseClientMessage', () => {
  it('accepts every client message of the protocol, copying only known fields', () => {
    expect(parseClientMessage('{"type":"command","text":"add glasses","id":"c1","extra":1}')).toEqual({ type: 'command', text: 'add glasses', id: 'c1' });
    expect(parseClientMessage(Buffer.from('{"type":"strength","value":0.8}'))).toEqual({ type: 'strength', value: 0.8 });
    expect(parseClientMessage('{"type":"remove-edit","index":2}')).toEqual({ type: 'remove-edit', index: 2 });
    expect(parseClientMessage('{"type":"mic","mode":"push-to-talk"}')).toEqual({ type: 'mic', mode: 'push-to-talk' });
    expect(parseClientMessage('{"type":"ptt","down":true}')).toEqual({ type: 'ptt', down: true });
  });

  it('rejects every message in the bad-message corpus with a ProtocolError', () => {
    const lines = readFileSync(join(FIXTURES, 'ws_invalid.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => parseClientMessage(line), line).toThrow(ProtocolError);
    for (const f of readdirSync(FIXTURES).filter((n) => n.startsWith('ws_') && n.endsWith('.bin'))) {
      expect(() => parseClientMessage(readFileSync(join(FIXTURES, f))), f).toThrow(ProtocolError);
    }
  });

  it('rejects messages over the size limit before parsing', () => {
    const big = JSON.stringify({ type: 'command', text: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(() => parseClientMessage(big)).toThrow(/exceeds/);
  });

  it('counts and decodes bytes exactly as Buffer did, without using Buffer (a BOM stays and is refused)', () => {
    for (const text of ['plain', '眼镜', '😀 glasses', 'lone \ud800 high', 'lone \udc00 low', '\ud83d']) {
      const json = JSON.stringify({ type: 'command', text: text + 'x'.repeat(MAX_MESSAGE_BYTES) });
      expect(() => parseClientMessage(json)).toThrow(`message: ${Buffer.byteLength(json)} bytes exceeds ${MAX_MESSAGE_BYTES}`);
      const small = JSON.stringify({ type: 'command', text });
      expect(parseClientMessage(Buffer.from(small))).toEqual(JSON.parse(Buffer.from(small).toString('utf8')));
    }
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"type":"ptt","down":true}')]);
    expect(() => parseClientMessage(bom)).toThrow(/not valid JSON/);
    expect(parseClientMessage(new Uint8Array(Buffer.from('{"type":"ptt","down":false}')))).toEqual({ type: 'ptt', down: false });
  });
});

describe('parseServerMessage', () => {
  it('reads every message type of the protocol', () => {
    expect(parseServerMessage('{"type":"state","edits":[{"attribute":"eyewear","op":"set","level":1,"degree":0.6,"text":"add glasses"}],"strength":0.8,"canUndo":true,"canRedo":false}')).toEqual({
      type: 'state',
      edits: [{ attribute: 'eyewear', op: 'set', level: 1, degree: 0.6, text: 'add glasses' }],
      strength: 0.8,
      canUndo: true,
      canRedo: false,
    });
    expect(parseServerMessage('{"type":"ack","id":"c1"}')).toEqual({ type: 'ack', id: 'c1' });
    expect(parseServerMessage('{"type":"error","id":"c2","code":"unknown-word","message":"m","suggestions":["glasses",3]}')).toEqual({
      type: 'error',
      id: 'c2',
      code: 'unknown-word',
      message: 'm',
      suggestions: ['glasses'],
    });
    expect(parseServerMessage('{"type":"transcript","text":"long hair","final":true,"latencyMs":310}')).toEqual({ type: 'transcript', text: 'long hair', final: true, latencyMs: 310 });
    const stats = parseServerMessage('{"type":"stats","fpsIn":30,"fpsOut":29.5,"procMs":{"p50":1,"p95":2},"dropped":3,"backend":"wasm","effect":"none","extra":1}');
    expect(stats).toEqual({ type: 'stats', fpsIn: 30, fpsOut: 29.5, procMs: { p50: 1, p95: 2 }, dropped: 3, backend: 'wasm', effect: 'none' });
  });

  it('state.model: the server\'s model and what it can do round-trip; absent stays absent', () => {
    const state: StateMessage = { type: 'state', edits: [], strength: 1, canUndo: false, canRedo: false, model: { name: 'real', supported: ['hairColor=blond', 'eyeSize=big'] } };
    expect(parseServerMessage(JSON.stringify(state))).toEqual(state);
    const all: StateMessage = { type: 'state', edits: [], strength: 1, canUndo: false, canRedo: false, model: { name: 'synthetic' } };
    expect(parseServerMessage(JSON.stringify({ ...all, model: { ...all.model, extra: 1 } }))).toEqual(all);
    const older = parseServerMessage('{"type":"state","edits":[],"strength":1,"canUndo":false,"canRedo":false}');
    expect('model' in older).toBe(false);
  });

  it('state.model is parsed strictly, naming the field', () => {
    const state = (model: unknown): string => JSON.stringify({ type: 'state', edits: [], strength: 1, canUndo: false, canRedo: false, model });
    const bad: Array<[unknown, RegExp]> = [
      ['real', /state.model: must be an object/],
      [null, /state.model: must be an object/],
      [{}, /state.model.name: must be a string/],
      [{ name: '' }, /state.model.name: must not be empty/],
      [{ name: 'real', supported: 'hairColor=blond' }, /state.model.supported: must be an array/],
      [{ name: 'real', supported: ['hairColor=blond', 3] }, /state.model.supported\[1\]: must be an "attribute=level" string/],
      [{ name: 'real', supported: ['red hair'] }, /state.model.supported\[0\]/],
      [{ name: 'real', supported: Array.from({ length: MAX_MODEL_LEVELS + 1 }, () => 'a=b') }, /more than 256/],
    ];
    for (const [model, re] of bad) expect(() => parseServerMessage(state(model)), JSON.stringify(model)).toThrow(re);
    for (const [model] of bad) expect(() => parseServerMessage(state(model))).toThrow(ProtocolError);
  });

  it('keeps only protocol fields (no prototype tricks, no extras)', () => {
    const m = parseServerMessage('{"type":"ack","id":"c1","__proto__":{"x":1},"more":2}');
    expect(Object.keys(m)).toEqual(['type', 'id']);
  });

  it('names the field in a ProtocolError', () => {
    expect(() => parseServerMessage('nope')).toThrow(/not valid JSON/);
    expect(() => parseServerMessage('[1]')).toThrow(ProtocolError);
    expect(() => parseServerMessage('{"type":"warp"}')).toThrow(/message.type/);
    expect(() => parseServerMessage('{"type":"state","edits":{},"strength":1,"canUndo":true,"canRedo":true}')).toThrow(/state.edits/);
    expect(() => parseServerMessage('{"type":"state","edits":[{"attribute":"a","op":"set","degree":"x","text":""}],"strength":1,"canUndo":true,"canRedo":true}')).toThrow(
      /state.edits\[0\].degree/,
    );
    expect(() => parseServerMessage('{"type":"stats","fpsIn":null}')).toThrow(/stats.fpsIn/);
  });
});

describe('encodeClientMessage', () => {
  it('round-trips through JSON', () => {
    const m = { type: 'command', text: '大眼睛长头发', id: 'c9' } as const;
    expect(JSON.parse(encodeClientMessage(m))).toEqual(m);
  });

  it('refuses what the server would refuse', () => {
    expect(() => encodeClientMessage({ type: 'command', text: 'a'.repeat(MAX_COMMAND_CHARS + 1) })).toThrow(/longer than 500/);
    expect(() => encodeClientMessage({ type: 'strength', value: 1.5 })).toThrow(RangeError);
    expect(encodeClientMessage({ type: 'command', text: '眼'.repeat(MAX_COMMAND_CHARS) })).toContain('眼');
  });
});
