import { describe, expect, it } from 'vitest';
import { SPEECH_SAMPLE_RATE } from './audio/pcm';
import { createCommandRecognizer } from './command-recognizer';
import type { Utterance } from './recognizer/speech-recognizer';
import { speak } from './synth/espeak';
import { soxMix, soxNoise } from './synth/noise';
import { intentOf, loadVocabulary } from './vocabulary/vocabulary';

describe('createCommandRecognizer (product vocabulary, real espeak → pocketsphinx)', () => {
  // Wiring, not accuracy (that is the bench's job, see the README): every utterance is decoded with
  // the generated grammar and dictionary into a command the parser accepts. (The first utterance of a stream
  // is often wrong: live CMN has not adapted yet; see the README.)
  it('turns spoken commands into commands the parser accepts', async () => {
    const texts = ['make the eyes bigger', 'undo', 'long hair and bigger eyes'];
    const gap = new Int16Array(SPEECH_SAMPLE_RATE);
    const parts: Int16Array[] = [gap];
    for (const t of texts) parts.push(await speak(t, { voice: 'en-us', speed: 160 }), gap);
    const clean = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((o, p) => (clean.set(p, o), o + p.length), 0);
    const pcm = await soxMix(clean, await soxNoise(clean.length / SPEECH_SAMPLE_RATE, 'white', -60));
    const r = await createCommandRecognizer();
    const got: Utterance[] = [];
    r.on('utterance', (u) => got.push(u));
    for (let i = 0; i < pcm.length; i += 1600) r.write(pcm.subarray(i, i + 1600));
    await r.end();
    const v = await loadVocabulary();
    expect(got).toHaveLength(texts.length);
    for (const u of got) expect(intentOf(v, u.text)).toBeDefined();
    expect(got[1]?.text).toBe('undo');
  });
});
