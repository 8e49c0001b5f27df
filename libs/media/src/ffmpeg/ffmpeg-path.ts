import { findFfmpeg } from '@lfe/face-pipeline/host-tools';
import { FfmpegStartError } from '../errors';

/**
 * Which ffmpeg to run: face-pipeline's `findFfmpeg` (the doctor uses the same function; order
 * FFMPEG_PATH → ffmpeg-static → system ffmpeg → @ffmpeg-installer/ffmpeg, DESIGN.md), plus the
 * major version the argument lists depend on. Imported from the tfjs-free `host-tools` subpath.
 */
export interface FfmpegBinary {
  path: string;
  source: 'FFMPEG_PATH' | 'ffmpeg-static' | 'system' | '@ffmpeg-installer/ffmpeg';
  /** Major version, e.g. 5 for Debian's 5.1; 0 when unknown (git builds). */
  major: number;
  version: string;
}

let cached: FfmpegBinary | undefined;

export function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegBinary {
  if (cached !== undefined && env === process.env) return cached;
  const found = findFfmpeg(env);
  if (!found.found || found.path === null) throw new FfmpegStartError(`ffmpeg: not found (${found.fix})`);
  const version = found.version ?? '';
  const m = /version n?(\d+)\./.exec(version);
  const bin: FfmpegBinary = { path: found.path, source: found.source as FfmpegBinary['source'], major: m ? Number(m[1]) : 0, version };
  if (env === process.env) cached = bin;
  return bin;
}

/** `-fps_mode passthrough` on ffmpeg ≥ 5, `-vsync 0` on 4.x (the @ffmpeg-installer build). */
export function passthroughTimingArgs(bin: FfmpegBinary): string[] {
  return bin.major >= 5 || bin.major === 0 ? ['-fps_mode', 'passthrough'] : ['-vsync', '0'];
}
