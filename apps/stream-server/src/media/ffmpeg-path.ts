import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FfmpegStartError } from '../errors';

/**
 * Which ffmpeg to run. Order (DESIGN.md): FFMPEG_PATH → ffmpeg-static (optional dependency; its
 * download fails offline) → system ffmpeg → @ffmpeg-installer/ffmpeg (static 4.1 inside npm).
 *
 * This mirrors `findFfmpeg()` in libs/face-pipeline/src/runtime/host-tools.ts, which that lib does
 * not export from its index yet (and importing the lib's index loads tfjs). Switch to it once it is
 * public.
 */
export interface FfmpegBinary {
  path: string;
  source: 'FFMPEG_PATH' | 'ffmpeg-static' | 'system' | '@ffmpeg-installer/ffmpeg';
  /** Major version, e.g. 5 for Debian's 5.1; 0 when unknown (git builds). */
  major: number;
  version: string;
}

const require = createRequire(import.meta.url);

function packageBinary(pkg: string): string | null {
  try {
    const m = require(pkg) as unknown;
    const p = typeof m === 'string' ? m : (m as { path?: unknown }).path;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function probe(path: string): { version: string; major: number } | null {
  const r = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 5000 });
  if (r.error !== undefined || r.status !== 0) return null;
  const line = r.stdout.split('\n')[0] ?? '';
  const m = /version n?(\d+)\./.exec(line);
  return { version: line.trim().slice(0, 120), major: m ? Number(m[1]) : 0 };
}

let cached: FfmpegBinary | undefined;

export function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegBinary {
  if (cached !== undefined && env === process.env) return cached;
  const candidates: Array<[string | null | undefined, FfmpegBinary['source']]> = [
    [env['FFMPEG_PATH'], 'FFMPEG_PATH'],
    [packageBinary('ffmpeg-static'), 'ffmpeg-static'],
    ['ffmpeg', 'system'],
    [packageBinary('@ffmpeg-installer/ffmpeg'), '@ffmpeg-installer/ffmpeg'],
  ];
  for (const [path, source] of candidates) {
    if (path === null || path === undefined || path === '') continue;
    const p = probe(path);
    if (p !== null) {
      const found = { path, source, ...p };
      if (env === process.env) cached = found;
      return found;
    }
  }
  throw new FfmpegStartError('ffmpeg: not found (set FFMPEG_PATH, or run `bash scripts/setup.sh` to install Debian ffmpeg)');
}

/** `-fps_mode passthrough` on ffmpeg ≥ 5, `-vsync 0` on 4.x (the @ffmpeg-installer build). */
export function passthroughTimingArgs(bin: FfmpegBinary): string[] {
  return bin.major >= 5 || bin.major === 0 ? ['-fps_mode', 'passthrough'] : ['-vsync', '0'];
}
