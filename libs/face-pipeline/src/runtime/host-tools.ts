import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ToolCheck {
  name: string;
  found: boolean;
  path: string | null;
  version: string | null;
  /** Where the path came from (env var, package, system). */
  source: string | null;
  /** What to do when it is missing. */
  fix: string;
}

const require = createRequire(import.meta.url);

function which(bin: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p !== '' ? p : null;
}

function versionOf(path: string, args: string[]): string | null {
  const r = spawnSync(path, args, { encoding: 'utf8', timeout: 5000 });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').find((l) => l.trim() !== '');
  return r.error === undefined && text !== undefined ? text.trim().slice(0, 120) : null;
}

/** Path exported by an npm package that ships a binary (`ffmpeg-static` exports a string). */
function packageBinary(pkg: string): string | null {
  try {
    const m = require(pkg) as unknown;
    const p = typeof m === 'string' ? m : (m as { path?: unknown }).path;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/**
 * ffmpeg resolution order: FFMPEG_PATH → ffmpeg-static (optional; its download fails offline) →
 * system ffmpeg (Debian 5.1) → @ffmpeg-installer/ffmpeg (static 4.1 inside the npm package).
 */
export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): ToolCheck {
  const fix = 'run `bash scripts/setup.sh` (installs Debian ffmpeg) or set FFMPEG_PATH';
  const candidates: Array<[string | null, string]> = [
    [env['FFMPEG_PATH'] ?? null, 'FFMPEG_PATH'],
    [packageBinary('ffmpeg-static'), 'ffmpeg-static'],
    [which('ffmpeg'), 'system'],
    [packageBinary('@ffmpeg-installer/ffmpeg'), '@ffmpeg-installer/ffmpeg'],
  ];
  for (const [path, source] of candidates) {
    if (path === null || path === '') continue;
    const version = versionOf(path, ['-version']);
    if (version !== null) return { name: 'ffmpeg', found: true, path, version, source, fix };
  }
  return { name: 'ffmpeg', found: false, path: null, version: null, source: null, fix };
}

/** A system tool found on PATH or through an env override (`versionArgs` empty: no version probe). */
export function findSystemTool(name: string, bin: string, envVar: string, versionArgs: string[], aptPackage: string, env: NodeJS.ProcessEnv = process.env): ToolCheck {
  const fix = `run \`bash scripts/setup.sh\` (or apt-get install ${aptPackage}), or set ${envVar}`;
  const fromEnv = env[envVar];
  const path = fromEnv !== undefined && fromEnv !== '' ? fromEnv : which(bin);
  if (path === null || !existsSync(path)) return { name, found: false, path: null, version: null, source: null, fix };
  const version = versionArgs.length > 0 ? versionOf(path, versionArgs) : null;
  return { name, found: true, path, version, source: path === fromEnv ? envVar : 'system', fix };
}
