import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadMessageError } from '../errors';
import { MAX_MESSAGE_BYTES, parseClientMessage } from './messages';

const FIXTURES = join(import.meta.dirname, 'fixtures');

describe('parseClientMessage', () => {
  it('accepts every client message of the protocol, copying only known fields', () => {
    expect(parseClientMessage('{"type":"command","text":"add glasses","id":"c1","extra":1}')).toEqual({ type: 'command', text: 'add glasses', id: 'c1' });
    expect(parseClientMessage(Buffer.from('{"type":"strength","value":0.8}'))).toEqual({ type: 'strength', value: 0.8 });
    expect(parseClientMessage('{"type":"remove-edit","index":2}')).toEqual({ type: 'remove-edit', index: 2 });
    expect(parseClientMessage('{"type":"mic","mode":"push-to-talk"}')).toEqual({ type: 'mic', mode: 'push-to-talk' });
    expect(parseClientMessage('{"type":"ptt","down":true}')).toEqual({ type: 'ptt', down: true });
  });

  it('rejects every message in the bad-message corpus with a BadMessageError', () => {
    const lines = readFileSync(join(FIXTURES, 'ws_invalid.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(() => parseClientMessage(line), line).toThrow(BadMessageError);
    for (const f of readdirSync(FIXTURES).filter((n) => n.startsWith('ws_') && n.endsWith('.bin'))) {
      expect(() => parseClientMessage(readFileSync(join(FIXTURES, f))), f).toThrow(BadMessageError);
    }
  });

  it('rejects messages over the size limit before parsing', () => {
    const big = JSON.stringify({ type: 'command', text: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(() => parseClientMessage(big)).toThrow(/exceeds/);
  });
});
