import { describe, expect, it } from 'vitest';
import type { Utterance } from '../recognizer/speech-recognizer';
import { FakeRecognizer } from '../testing/fake-recognizer';
import { PushToTalkGate } from './push-to-talk-gate';
import { ScoreGate } from './score-gate';
import { WakeWordGate } from './wake-word-gate';

const u = (text: string, startMs: number, endMs: number, scorePerFrame?: number): Utterance =>
  scorePerFrame === undefined ? { text, startMs, endMs, latencyMs: 0 } : { text, startMs, endMs, latencyMs: 0, scorePerFrame };

describe('gates', () => {
  it('push-to-talk passes only utterances overlapping a press', () => {
    const g = new PushToTalkGate(300);
    expect(g.process(u('bigger eyes', 0, 800))).toBeUndefined();
    g.press(1000);
    g.release(2500);
    expect(g.process(u('long hair', 1100, 2600))?.text).toBe('long hair');
    expect(g.process(u('undo', 2700, 3200))).toBeDefined(); // within the release grace
    expect(g.process(u('reset', 4000, 4500))).toBeUndefined();
    expect(g.toJSON()).toEqual({ passed: 2, dropped: 2, pressed: false });
  });

  it('score gate drops low-scoring and (by default) unscored utterances', () => {
    const g = new ScoreGate(-40);
    expect(g.process(u('a', 0, 1, -30))).toBeDefined();
    expect(g.process(u('b', 0, 1, -50))).toBeUndefined();
    expect(g.process(u('c', 0, 1))).toBeUndefined();
    expect(new ScoreGate(-40, true).process(u('c', 0, 1))).toBeDefined();
  });

  it('wake word: prefix form, arm-then-command form, and nothing without it', () => {
    const g = new WakeWordGate('hey mirror', 3000);
    expect(g.process(u('hey mirror bigger eyes', 0, 1000))?.text).toBe('bigger eyes');
    expect(g.process(u('long hair', 2000, 2500))).toBeUndefined();
    expect(g.process(u('hey mirror', 3000, 3500))).toBeUndefined();
    expect(g.process(u('long hair', 4000, 4600))?.text).toBe('long hair');
    expect(g.process(u('undo', 5000, 5300))).toBeUndefined(); // one command per wake
  });
});

describe('FakeRecognizer', () => {
  it('emits scripted utterances on the stream clock and follows the lifetime rules', async () => {
    const r = new FakeRecognizer([{ atMs: 500, text: 'Bigger  eyes', scorePerFrame: -20 }]);
    const got: Utterance[] = [];
    r.on('utterance', (x) => got.push(x));
    r.on('utterance', () => {
      throw new Error('a bad listener');
    });
    r.onListenerError = () => undefined;
    r.write(new Int16Array(4000)); // 250 ms
    expect(got).toHaveLength(0);
    r.write(new Int16Array(4000));
    expect(got.map((x) => [x.text, x.endMs, x.scorePerFrame])).toEqual([['bigger eyes', 500, -20]]);
    r.say('undo');
    expect(got[1]?.endMs).toBe(500);
    let closes = 0;
    r.on('close', () => closes++);
    await Promise.all([r.close(), r.close()]);
    expect(closes).toBe(1);
    expect(() => r.write(new Int16Array(1))).toThrow(/after close/);
  });
});
