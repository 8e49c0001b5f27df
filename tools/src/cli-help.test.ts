import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

interface CliTarget {
  project: string;
  target: string;
  cwd: string;
  argv: string[];
}

/** Every Nx target that runs a TypeScript CLI (`tsx FILE` or `node --import tsx FILE`), from the project files. */
function cliTargets(): CliTarget[] {
  const out: CliTarget[] = [];
  for (const group of ['libs', 'apps']) {
    for (const name of readdirSync(join(ROOT, group))) {
      const file = join(ROOT, group, name, 'project.json');
      if (existsSync(file)) out.push(...targetsOf(file));
    }
  }
  out.push(...targetsOf(join(ROOT, 'tools/project.json')));
  return out;
}

function targetsOf(file: string): CliTarget[] {
  const j = JSON.parse(readFileSync(file, 'utf8')) as { name: string; root?: string; targets?: Record<string, { options?: { command?: string; cwd?: string } }> };
  const dir = resolve(file, '..');
  const out: CliTarget[] = [];
  for (const [target, t] of Object.entries(j.targets ?? {})) {
    const cmd = t.options?.command ?? '';
    const m = /(?:^|\s)(?:tsx|node --import tsx) (\S+\.ts)$/.exec(cmd.trim());
    if (!m) continue;
    const cwd = (t.options?.cwd ?? '{workspaceRoot}').replace('{workspaceRoot}', ROOT).replace('{projectRoot}', dir);
    out.push({ project: j.name, target, cwd: resolve(ROOT, cwd), argv: ['--import', 'tsx', m[1]!] });
  }
  return out;
}

function run(t: CliTarget): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [...t.argv, '--help'], { cwd: t.cwd, env: { ...process.env, FACE_BACKEND: 'wasm' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

describe('every CLI answers --help', () => {
  it('prints its usage and exits 0, without a stack trace and without doing its work', async () => {
    const targets = cliTargets();
    expect(targets.length).toBeGreaterThan(30);
    const failures: string[] = [];
    // Two at a time: each start loads its imports (tfjs for most).
    for (let i = 0; i < targets.length; i += 2) {
      const batch = targets.slice(i, i + 2);
      const results = await Promise.all(batch.map(run));
      results.forEach((r, k) => {
        const t = batch[k]!;
        const text = r.stdout + r.stderr;
        if (r.code !== 0 || !/usage/i.test(r.stdout) || /\n\s+at .+:\d+:\d+/.test(text)) failures.push(`${t.project}:${t.target} exited ${String(r.code)}: ${text.slice(0, 300)}`);
      });
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
