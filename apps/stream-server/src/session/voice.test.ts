import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRecognizer, RecognizerStartError, type Utterance } from '@lfe/speech';
import { FakeRecognizer } from '@lfe/speech/testing';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../util/log';
import { VoiceInput } from './voice';

const second = Buffer.alloc(32000); // 1 s of 16 kHz s16le silence

async function started(v: VoiceInput): Promise<void> {
  v.write(Buffer.alloc(2)); // the first bytes start the recogniser
  await new Promise((r) => setImmediate(r));
}

describe('VoiceInput gates', () => {
  it('push-to-talk passes only utterances while pressed, stripping a leading wake word', async () => {
    const fake = new FakeRecognizer();
    const heard: Utterance[] = [];
    const v = new VoiceInput(() => Promise.resolve(fake), (u) => heard.push(u), silentLogger, 'push-to-talk');
    await started(v);
    v.write(second);
    fake.say('add glasses');
    v.ptt(true);
    v.write(second);
    fake.say('mirror long hair');
    v.ptt(false);
    expect(heard.map((u) => u.text)).toEqual(['long hair']);
    await v.close();
  });

  it('wake-word mode needs the wake phrase; off drops everything', async () => {
    const fake = new FakeRecognizer();
    const heard: string[] = [];
    const v = new VoiceInput(() => Promise.resolve(fake), (u) => heard.push(u.text), silentLogger, 'wake-word');
    await started(v);
    v.write(second);
    fake.say('add glasses');
    fake.say('mirror add a hat');
    v.setMode('off');
    v.write(second);
    fake.say('mirror big eyes');
    expect(heard).toEqual(['add a hat']);
    await v.close();
    expect(fake.closed).toBe(true);
  });

  it('turns voice off for the session and says why when the recogniser cannot start or gives up', async () => {
    const stopped: string[] = [];
    const v = new VoiceInput(() => Promise.reject(new Error('no pocketsphinx')), () => undefined, silentLogger, 'push-to-talk', (r) => stopped.push(r));
    await started(v);
    await new Promise((r) => setImmediate(r));
    expect(v.mode).toBe('off');
    expect(stopped).toEqual(['no pocketsphinx']);
    await v.close();
    const fake = new FakeRecognizer();
    const w = new VoiceInput(() => Promise.resolve(fake), () => undefined, silentLogger, 'push-to-talk', (r) => stopped.push(r));
    await started(w);
    fake.crash(); // a restart: voice goes on, nobody is told
    expect(stopped).toHaveLength(1);
    const gaveUp = new RecognizerStartError('pocketsphinx: gave up after 5 restarts within 60 s (decoder exited)');
    fake.fail(gaveUp);
    expect(w.mode).toBe('off');
    expect(stopped).toEqual(['no pocketsphinx', gaveUp.message]);
    await w.close();
  });
});

describe('VoiceInput with an external recogniser (--speech-command)', () => {
  it('feeds the PCM to the program and applies what it prints, Chinese included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lfe-voice-ext-'));
    const prog = join(dir, 'asr.mjs');
    // after each second of audio, print the next line
    writeFileSync(prog, `const lines = ['{"text": "mirror 大眼睛长头发"}', 'mirror add glasses']; let n = 0, said = 0;
process.stdin.on('data', (b) => { n += b.length; while (n >= (said + 1) * 32000 && said < lines.length) process.stdout.write(lines[said++] + '\\n'); });`);
    const heard: string[] = [];
    const v = new VoiceInput(() => ProcessRecognizer.start({ command: [process.execPath, prog] }), (u) => heard.push(u.text), silentLogger, 'wake-word');
    await started(v);
    for (let i = 0; i < 3 && heard.length < 2; i++) {
      v.write(second);
      for (let t = 0; t < 40 && heard.length <= i; t++) await new Promise((r) => setTimeout(r, 25));
    }
    expect(heard).toEqual(['大眼睛长头发', 'add glasses']);
    await v.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
