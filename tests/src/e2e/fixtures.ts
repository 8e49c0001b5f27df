/**
 * Test media for the fake camera and microphone, made once per content and kept under tmp/e2e
 * (git-ignored): a face-synth clip with the frame-number stamp, and an espeak-ng utterance with a
 * −60 dB noise floor (without it the recogniser's accuracy collapses, see DESIGN.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../../..');
export const FIXTURE_DIR = join(ROOT, 'tmp/e2e');

function run(cmd: string, args: readonly string[], cwd = ROOT): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error)).slice(-800)}`);
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** 640×480, 30 fps, 5 s, stamped with the frame number (the page reads it for latency). */
export function cameraClip(): string {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const out = join(FIXTURE_DIR, 'clip-640x480-5s-stamp.y4m');
  if (existsSync(out) && statSync(out).size > 0) return out;
  const tmp = `${out}.tmp.y4m`;
  run(join(ROOT, 'node_modules/.bin/tsx'), ['libs/face-synth/src/cli/clip.ts', '--out', tmp, '--seconds', '5', '--size', '640x480', '--stamp']);
  renameSync(tmp, out);
  return out;
}

/**
 * "mirror, long hair" (wake phrase + command) between 1 s and 2 s of silence, 48 kHz mono s16,
 * mixed with white noise at −60 dB. Chrome loops the file, so the phrase repeats every ~5 s.
 */
export function speechWav(text = 'mirror, long hair'): string {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const name = text.replace(/[^a-z]+/gi, '-').replace(/^-|-$/g, '');
  const out = join(FIXTURE_DIR, `speech-${name}.wav`);
  if (existsSync(out) && statSync(out).size > 0) return out;
  const raw = join(FIXTURE_DIR, `${name}.raw.wav`);
  const padded = join(FIXTURE_DIR, `${name}.padded.wav`);
  const noise = join(FIXTURE_DIR, `${name}.noise.wav`);
  run('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', raw, text]);
  run('sox', [raw, '-r', '48000', '-c', '1', padded, 'pad', '1', '2']);
  const seconds = spawnSync('soxi', ['-D', padded], { encoding: 'utf8' }).stdout.trim();
  run('sox', ['-n', '-r', '48000', '-c', '1', noise, 'synth', seconds, 'whitenoise', 'vol', '-60dB']);
  // -m with -v 1 on both inputs mixes without halving the speech.
  run('sox', ['-m', '-v', '1', padded, '-v', '1', noise, '-b', '16', `${out}.tmp.wav`]);
  renameSync(`${out}.tmp.wav`, out);
  return out;
}

/** `nx run viewer:build` (cached by Nx when nothing changed). Returns the dist folder. */
export function buildViewer(): string {
  run(join(ROOT, 'node_modules/.bin/nx'), ['run', 'viewer:build', '--outputStyle=static']);
  return join(ROOT, 'apps/viewer/dist');
}
