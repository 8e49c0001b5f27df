import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeRange, SPEECH_SAMPLE_RATE } from '../audio/pcm';
import { BadAudioError, InvalidStateError, RecognizerStartError } from '../errors';
import { speak } from '../synth/espeak';
import { soxMix, soxNoise } from '../synth/noise';
import { loadCmudict, trimmedDictionary } from '../vocabulary/dictionary';
import { grammarWords, parseJsgf } from '@lfe/edit-language/jsgf';
import { PocketsphinxRecognizer, cleanStaleSpeechDirs } from './pocketsphinx-recognizer';
import type { Utterance } from './speech-recognizer';

// A fixture grammar for the engine's own tests; the product grammar comes from @lfe/edit-language.
const GRAMMAR = `#JSGF V1.0;
grammar fixture;
public <cmd> = <edit> | undo | reset;
<edit> = [a bit | much] (bigger | smaller) eyes | (long | short) hair | (add | remove) glasses;
`;
const DICT = trimmedDictionary(grammarWords(parseJsgf(GRAMMAR)), loadCmudict());

async function utteranceStream(texts: string[]): Promise<{ pcm: Int16Array; ends: number[] }> {
  const gap = new Int16Array(SPEECH_SAMPLE_RATE);
  const parts: Int16Array[] = [gap];
  const ends: number[] = [];
  let n = gap.length;
  for (const t of texts) {
    const s = await speak(t, { voice: 'en-us', speed: 160 });
    parts.push(s, gap);
    ends.push(n + (activeRange(s, SPEECH_SAMPLE_RATE)?.end ?? s.length));
    n += s.length + gap.length;
  }
  const clean = new Int16Array(n);
  let o = 0;
  for (const p of parts) {
    clean.set(p, o);
    o += p.length;
  }
  return { pcm: await soxMix(clean, await soxNoise(n / SPEECH_SAMPLE_RATE, 'white', -60)), ends };
}

function collect(r: PocketsphinxRecognizer): Utterance[] {
  const got: Utterance[] = [];
  r.on('utterance', (u) => got.push(u));
  return got;
}

describe('PocketsphinxRecognizer (real pocketsphinx, real espeak audio)', () => {
  it('recognises a stream of spoken commands with stream times', async () => {
    const texts = ['a bit bigger eyes', 'long hair', 'remove glasses'];
    const { pcm, ends } = await utteranceStream(texts);
    const r = await PocketsphinxRecognizer.start({ grammar: GRAMMAR, dictionary: DICT });
    const got = collect(r);
    for (let i = 0; i < pcm.length; i += 1600) r.write(pcm.subarray(i, i + 1600));
    await r.end();
    expect(r.closed).toBe(true);
    expect(got.map((u) => u.text)).toEqual(texts);
    got.forEach((u, i) => {
      expect(u.endMs).toBeGreaterThan(u.startMs);
      // The last word ends within 400 ms of where the spoken audio ends.
      expect(Math.abs(u.endMs - ((ends[i] ?? 0) * 1000) / SPEECH_SAMPLE_RATE)).toBeLessThan(400);
      expect(u.scorePerFrame).toBeLessThan(0);
    });
  });

  it('recovers when the decoder is killed mid-stream, keeping the stream clock', async () => {
    const texts = ['short hair', 'add glasses', 'undo'];
    const { pcm } = await utteranceStream(texts);
    const r = await PocketsphinxRecognizer.start({ grammar: GRAMMAR, dictionary: DICT });
    const got = collect(r);
    const restarts: string[] = [];
    r.on('restart', (e) => restarts.push(e.reason));
    const third = Math.floor(pcm.length / 3);
    r.write(pcm.subarray(0, third));
    await new Promise((res) => setTimeout(res, 300));
    process.kill(-(r.pid ?? 0), 'SIGKILL');
    await new Promise((res) => setTimeout(res, 100));
    for (let i = third; i < pcm.length; i += 1600) r.write(pcm.subarray(i, i + 1600));
    await r.end();
    expect(restarts.length).toBe(1);
    expect(got.map((u) => u.text)).toEqual(texts);
    const last = got[got.length - 1];
    expect(last?.endMs ?? 0).toBeGreaterThan(((pcm.length * 2) / 3 / SPEECH_SAMPLE_RATE) * 1000);
  });

  it('gives up only after maxRestarts deaths within the restart window, with an error', async () => {
    let now = 0;
    const r = await PocketsphinxRecognizer.start({ grammar: GRAMMAR, dictionary: DICT, maxRestarts: 1, restartWindowMs: 1000, clock: () => now });
    const restarts: string[] = [];
    const errors: Error[] = [];
    r.on('restart', (e) => restarts.push(e.reason));
    r.on('error', (e) => errors.push(e));
    const killAndWait = async (): Promise<void> => {
      const pid = r.pid ?? 0;
      process.kill(-pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && errors.length === 0 && (r.pid === undefined || r.pid === pid)) await new Promise((res) => setTimeout(res, 50));
    };
    await killAndWait();
    now += 2000; // the first death is out of the window by the second
    await killAndWait();
    expect(restarts).toHaveLength(2);
    expect(errors).toHaveLength(0);
    now += 10;
    await killAndWait();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/gave up after 1 restarts within 1 s/);
    await r.close();
  });

  it('removes the temp folders of recognisers whose process is gone, and only those', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'speech-clean-'));
    const dead = spawnSync('true').pid ?? 0;
    for (const name of [`lfe-speech-${dead}-abc`, `lfe-speech-${process.pid}-def`, 'lfe-speech-ghi', 'other']) mkdirSync(join(dir, name));
    const removed = await cleanStaleSpeechDirs(dir);
    expect(removed).toEqual([join(dir, `lfe-speech-${dead}-abc`)]);
    expect(['lfe-speech-ghi', `lfe-speech-${process.pid}-def`, 'other'].every((n) => existsSync(join(dir, n)))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('cmnInit runs the decoder on an overlay of the model with its own initial cepstral mean', async () => {
    const texts = ['long hair', 'much smaller eyes', 'add glasses'];
    const { pcm } = await utteranceStream(texts);
    const cmnInit = [55, -2, -7, 10, -8, 0, -5, -12, 0, -5, 4, -5, -4];
    const r = await PocketsphinxRecognizer.start({ grammar: GRAMMAR, dictionary: DICT, cmnInit });
    const got = collect(r);
    for (let i = 0; i < pcm.length; i += 1600) r.write(pcm.subarray(i, i + 1600));
    await r.end();
    // The first utterance of a stream is the weak one (see README); the rest must be right.
    expect(got.map((u) => u.text).slice(1)).toEqual(texts.slice(1));
    await expect(PocketsphinxRecognizer.start({ grammar: GRAMMAR, dictionary: DICT, cmnInit: [1, 2, 3] })).rejects.toThrow(TypeError);
    await expect(
      PocketsphinxRecognizer.start({ grammar: GRAMMAR, dictionary: DICT, cmnInit, modelDir: '/nonexistent/model' }),
    ).rejects.toThrow(RecognizerStartError);
  });

  it('separates a failed start from a later death, and refuses use after close', async () => {
    await expect(PocketsphinxRecognizer.start({ grammar: GRAMMAR, dictionary: DICT, binary: '/nonexistent/pocketsphinx' })).rejects.toThrow(
      RecognizerStartError,
    );
    await expect(PocketsphinxRecognizer.start({ grammar: 'not jsgf', dictionary: DICT })).rejects.toThrow(RecognizerStartError);
    await expect(PocketsphinxRecognizer.start({ grammar: GRAMMAR, dictionary: DICT, sampleRate: 8000 })).rejects.toThrow(BadAudioError);
    const r = await PocketsphinxRecognizer.start({ grammar: GRAMMAR, dictionary: DICT });
    let closes = 0;
    r.on('close', () => closes++);
    await Promise.all([r.close(), r.close()]);
    expect(closes).toBe(1);
    expect(() => r.write(new Int16Array(10))).toThrow(InvalidStateError);
    await expect(r.end()).rejects.toThrow(InvalidStateError);
    expect(() => r.write(new Uint8Array(10) as unknown as Int16Array)).toThrow(InvalidStateError);
  });

  it('rejects non-Int16 input with a TypeError and ignores empty chunks', async () => {
    const r = await PocketsphinxRecognizer.start({ grammar: GRAMMAR, dictionary: DICT });
    expect(() => r.write(new Uint8Array(10) as unknown as Int16Array)).toThrow(TypeError);
    r.write(new Int16Array(0));
    expect(r.samplesWritten).toBe(0);
    await r.end();
  });
});
