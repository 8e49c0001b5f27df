import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors';
import { MAX_COMMAND_CHARS, encodeClientMessage, parseServerMessage } from './messages';

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
