import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidStateError, RecognizerStartError } from '../errors';
import { ProcessRecognizer, splitCommandLine } from './process-recognizer';
import type { Utterance } from './speech-recognizer';

const dir = mkdtempSync(join(tmpdir(), 'lfe-process-rec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in recogniser: after every second of audio (32,000 bytes) it writes the next line of its script. */
const FAKE = join(dir, 'fake.mjs');
writeFileSync(
  FAKE,
  `const lines = JSON.parse(process.argv[2]);
const dieAfter = Number(process.argv[3] ?? -1);
let bytes = 0, said = 0;
process.stdin.on('data', (b) => {
  bytes += b.length;
  while (bytes >= (said + 1) * 32000 && said < lines.length) {
    process.stdout.write(lines[said++] + '\\n');
    if (said === dieAfter) process.exit(3);
  }
});
process.stdin.on('end', () => process.exit(0));
`,
);
const second = new Int16Array(16000).fill(100);
const fake = (lines: string[], dieAfter = -1): string[] => [process.execPath, FAKE, JSON.stringify(lines), String(dieAfter)];

async function run(rec: ProcessRecognizer, seconds: number): Promise<Utterance[]> {
  const got: Utterance[] = [];
  rec.on('utterance', (u) => got.push(u));
  for (let i = 0; i < seconds; i++) {
    rec.write(second);
    await new Promise((r) => setTimeout(r, 30));
  }
  await rec.end();
  return got;
}

describe('ProcessRecognizer (a recogniser in another process: PCM on stdin, one utterance per line)', () => {
  it('reads JSON lines with stream times and plain-text lines, Chinese too', async () => {
    const rec = await ProcessRecognizer.start({ command: fake(['{"text": "Add  Glasses", "startMs": 300, "endMs": 900, "confidence": 0.8}', '大眼睛长头发', 'long hair']) });
    const got = await run(rec, 3);
    expect(got.map((u) => u.text)).toEqual(['add glasses', '大眼睛长头发', 'long hair']);
    expect(got[0]).toMatchObject({ startMs: 300, endMs: 900, confidence: 0.8 });
    expect(got[1]!.endMs).toBeGreaterThanOrEqual(2000); // no times given: the stream time when it arrived
    expect(got.every((u) => u.latencyMs >= 0)).toBe(true);
    expect(rec.closed).toBe(true);
    expect(() => rec.write(second)).toThrow(InvalidStateError);
  });

  it('skips garbage: blank, broken or text-less JSON, over-long lines', async () => {
    const rec = await ProcessRecognizer.start({ command: fake(['   ', '{"confidence": 1}', '{not json', 'x'.repeat(5000), '{"text": 7}', 'undo']), maxLineLength: 4096 });
    const got = await run(rec, 6);
    expect(got.map((u) => u.text)).toEqual(['undo']); // '{not json' looks like JSON: skipped, not parsed as a command
  });

  it('restarts a recogniser that dies, then gives up with an error after too many restarts', async () => {
    const rec = await ProcessRecognizer.start({ command: fake(['smile'], 1), maxRestarts: 2, restartWindowMs: 60_000 });
    const restarts: string[] = [];
    const errors: Error[] = [];
    rec.on('restart', (r) => restarts.push(r.reason));
    rec.on('error', (e) => errors.push(e));
    const got: Utterance[] = [];
    rec.on('utterance', (u) => got.push(u));
    for (let i = 0; i < 8 && !rec.closed; i++) {
      rec.write(second);
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(got.map((u) => u.text)).toEqual(['smile', 'smile', 'smile']);
    expect(restarts).toHaveLength(2);
    expect(restarts[0]).toMatch(/exited \(code 3\)/);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RecognizerStartError);
    expect(rec.closed).toBe(true);
  });

  it('refuses a command that cannot start, and close() stops a running one', async () => {
    await expect(ProcessRecognizer.start({ command: [join(dir, 'no-such-recogniser')] })).rejects.toThrow(RecognizerStartError);
    await expect(ProcessRecognizer.start({ command: [] })).rejects.toThrow(/empty command/);
    const rec = await ProcessRecognizer.start({ command: fake(['x']) });
    const pid = rec.pid!;
    await rec.close();
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('splits a command line with quotes', () => {
    expect(splitCommandLine(`vosk-stream --model "/opt/models/zh cn" -l 'a b'`)).toEqual(['vosk-stream', '--model', '/opt/models/zh cn', '-l', 'a b']);
    expect(splitCommandLine('a "" b')).toEqual(['a', '', 'b']);
    expect(() => splitCommandLine('a "b')).toThrow(/unclosed/);
    expect(() => splitCommandLine('   ')).toThrow(/empty/);
  });
});
