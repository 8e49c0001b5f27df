import { spawn, spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Editor } from '../editor/editor';
import { loadFraming } from '../align/photo-face';
import { LiveFaceEditor } from '../live/live-editor';
import type { LiveComposite } from '../live/live-options';
import { parseForModel } from '../models/models';
import { findFfmpeg } from '../runtime/host-tools';

export class VideoInputError extends Error {
  override readonly name = 'VideoInputError';
}

export interface VideoInfo {
  width: number;
  height: number;
  fps: number;
  /** Seconds; 0 when ffmpeg does not say. */
  durationS: number;
  hasAudio: boolean;
}

/** What `ffmpeg -i FILE` says about the first video stream (no ffprobe needed: ffmpeg-static ships none). */
export function probeVideo(file: string, ffmpeg = ffmpegPath()): VideoInfo {
  if (!existsSync(file)) throw new VideoInputError(`${file}: no such file`);
  const r = spawnSync(ffmpeg, ['-hide_banner', '-i', file], { encoding: 'utf8' });
  const text = r.stderr ?? '';
  const video = /Stream #\d+:\d+[^\n]*: Video: [^\n]*?(\d{2,5})x(\d{2,5})[^\n]*/.exec(text);
  if (!video) throw new VideoInputError(`${file}: no video stream (ffmpeg: ${text.split('\n').filter((l) => /Invalid|error|Error/.test(l))[0]?.trim() ?? 'not a video'})`);
  const fpsM = /(\d+(?:\.\d+)?) fps/.exec(video[0]) ?? /(\d+(?:\.\d+)?) tbr/.exec(video[0]);
  const dur = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(text);
  return {
    width: Number(video[1]),
    height: Number(video[2]),
    fps: fpsM ? Number(fpsM[1]) : 25,
    durationS: dur ? Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]) : 0,
    hasAudio: /Stream #\d+:\d+[^\n]*: Audio: /.test(text),
  };
}

function ffmpegPath(): string {
  const f = findFfmpeg();
  if (!f.found || f.path === null) throw new VideoInputError(`ffmpeg not found (${f.fix})`);
  return f.path;
}

/** From `atMs` on, the video shows `command` (null: no edit). */
export interface ScheduledCommand {
  atMs: number;
  command: string | null;
}

/** "3s", "1.5s", "250ms", "1:05" (m:ss), or a bare number of seconds. */
export function parseTime(s: string): number {
  const t = s.trim();
  let m = /^(\d+(?:\.\d+)?)ms$/.exec(t);
  if (m) return Number(m[1]);
  m = /^(\d+(?:\.\d+)?)s?$/.exec(t);
  if (m) return Number(m[1]) * 1000;
  m = /^(\d+):(\d{1,2}(?:\.\d+)?)$/.exec(t);
  if (m) return (Number(m[1]) * 60 + Number(m[2])) * 1000;
  throw new RangeError(`time "${s}": want e.g. 3s, 1.5s, 250ms or 1:05`);
}

export interface VideoEditOptions {
  input: string;
  output: string;
  schedule: ScheduledCommand[];
  editorDir: string;
  generatorDir: string;
  fusion?: string;
  /** The edits the model's world can do (`modelLevels`); a command outside it fails before any work. Undefined: every edit. */
  levels?: ReadonlySet<string>;
  strength?: number;
  composite?: LiveComposite;
  /** Run the model every N frames, re-pasting the last face at each frame's tracked position between (the live inline schedule; default 2). */
  modelEvery?: number;
  detectEvery?: number;
  onProgress?: (p: { frame: number; frames: number; fps: number; etaS: number }) => void;
}

export interface VideoEditSummary {
  info: VideoInfo;
  frames: number;
  editedFrames: number;
  facelessFrames: number;
  seconds: number;
  fps: number;
}

/**
 * Edit a video file with the live pipeline: ffmpeg decodes it to RGB frames, each frame goes through
 * `LiveFaceEditor` (tracking, the model, temporal smoothing and the fade between commands, as a
 * camera stream) at its own timestamp, and ffmpeg encodes the result at the input's frame rate and
 * size with the input's audio (AAC in .mp4/.mov/.mkv, Opus in .webm). The output appears only when
 * everything worked (written to a temporary name, then renamed).
 */
export async function editVideo(o: VideoEditOptions): Promise<VideoEditSummary> {
  for (const s of o.schedule) if (s.command !== null) parseForModel(s.command, o.levels); // a bad command fails before any work
  const ffmpeg = ffmpegPath();
  const info = probeVideo(o.input, ffmpeg);
  const { width: W, height: H, fps } = info;
  const webm = /\.webm$/i.test(o.output);
  if (!/\.(mp4|mov|mkv|webm)$/i.test(o.output)) throw new VideoInputError(`${o.output}: the extension must be .mp4, .mov, .mkv or .webm`);
  const editor = Editor.load(o.editorDir, o.generatorDir, o.fusion !== undefined ? { fusion: o.fusion } : {});
  const framing = loadFraming(dirname(o.generatorDir));
  const live = new LiveFaceEditor(editor, {
    ...(framing !== undefined ? { framing } : {}),
    schedule: 'inline',
    modelEvery: o.modelEvery ?? 2,
    detectEvery: o.detectEvery ?? 5,
    composite: o.composite ?? 'delta',
  });
  const tmp = o.output.replace(/(\.[a-z0-9]+)$/i, `.tmp-${process.pid}$1`);
  const frameBytes = W * H * 3;
  const expected = Math.max(1, Math.round(info.durationS * fps));
  const dec = spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', o.input, '-map', '0:v:0', '-r', String(fps), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const enc = spawn(
    ffmpeg,
    [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', String(fps), '-i', 'pipe:0',
      '-i', o.input,
      '-map', '0:v:0', '-map', '1:a?',
      ...(webm ? ['-c:v', 'libvpx', '-b:v', '2M', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus'] : ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k']),
      '-r', String(fps), '-shortest', tmp,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const errs = { dec: '', enc: '' };
  dec.stderr.on('data', (d: Buffer) => (errs.dec += d.toString('utf8')));
  enc.stderr.on('data', (d: Buffer) => (errs.enc += d.toString('utf8')));
  const encDone = new Promise<number>((res) => enc.once('close', (c) => res(c ?? 1)));
  const decDone = new Promise<number>((res) => dec.once('close', (c) => res(c ?? 1)));
  enc.stdin.on('error', () => undefined); // a dead encoder is reported by its exit code
  const t0 = performance.now();
  let frames = 0;
  let edited = 0;
  let faceless = 0;
  let pending: Buffer = Buffer.alloc(0);
  const schedule = [...o.schedule].sort((a, b) => a.atMs - b.atMs);
  const commandAt = (ms: number): string | null => {
    let c: string | null = null;
    for (const s of schedule) if (s.atMs <= ms) c = s.command;
    return c;
  };
  try {
    for await (const chunk of dec.stdout as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= frameBytes) {
        const data = new Uint8Array(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
        const tMs = (frames * 1000) / fps;
        const r = await live.process('video', { width: W, height: H, data }, tMs, commandAt(tMs), o.strength ?? 1);
        if (r.edited) edited++;
        else if (commandAt(tMs) !== null && !r.face) faceless++;
        frames++;
        if (!enc.stdin.write(data)) await new Promise<void>((res) => enc.stdin.once('drain', () => res()));
        const s = (performance.now() - t0) / 1000;
        o.onProgress?.({ frame: frames, frames: Math.max(expected, frames), fps: frames / s, etaS: Math.max(0, (Math.max(expected, frames) - frames) / (frames / s)) });
      }
    }
    enc.stdin.end();
    const [dc, ec] = await Promise.all([decDone, encDone]);
    if (dc !== 0) throw new VideoInputError(`${o.input}: ffmpeg could not decode it (${errs.dec.trim().split('\n').pop() ?? `exit ${dc}`})`);
    if (ec !== 0) throw new Error(`ffmpeg encoder failed (exit ${ec}): ${errs.enc.trim().split('\n').slice(-3).join(' | ')}`);
    if (frames === 0) throw new VideoInputError(`${o.input}: no frames decoded`);
    renameSync(tmp, o.output);
  } catch (e) {
    dec.kill('SIGKILL');
    enc.kill('SIGKILL');
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    live.dispose();
    editor.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { info, frames, editedFrames: edited, facelessFrames: faceless, seconds, fps: frames / seconds };
}
