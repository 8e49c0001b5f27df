import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');
const SERVE = join(ROOT, 'apps/stream-server/src/cli/serve.ts');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

const serve = (args: string[]): Promise<{ code: number; stderr: string }> =>
  run(TSX, [SERVE, '--port', '0', '--no-voice', ...args], { cwd: ROOT, timeout: 60_000 }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'serve-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serve with the face editor: a missing or damaged model stops the start with the reason', () => {
  it('no editor bundle → exit 2, names editor.json and suggests --effect none', async () => {
    const r = await serve(['--editor', join(dir, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/editor\.json/);
    expect(r.stderr).toMatch(/--effect none/);
  }, 60_000);

  it('an editor bundle for another generator → exit 2 naming the mismatch', async () => {
    const bundle = join(dir, 'other');
    rmSync(bundle, { recursive: true, force: true });
    mkdirSync(bundle, { recursive: true });
    writeFileSync(join(bundle, 'editor.json'), JSON.stringify({ format: 'lfe-editor', defaultFusion: 'residual', generatorSha256: '0'.repeat(64) }));
    const r = await serve(['--editor', bundle]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trained for generator weights 000000000000…/);
  }, 60_000);

  it('with no --model the server starts with the shipped real-face model (and --model synthetic with the synthetic one)', async () => {
    for (const [args, name] of [[[], 'real'], [['--model', 'synthetic'], 'synthetic']] as const) {
      const child = spawn(TSX, [SERVE, '--port', '0', '--host', '127.0.0.1', '--no-voice', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LFE_MODEL: '' } });
      let out = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (out += b.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const started = Date.now();
      while (!/listening on/.test(out) && child.exitCode === null && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGTERM');
      await exited;
      expect(out, out.slice(-2000)).toMatch(new RegExp(`listening on .*model: ${name}`));
    }
  }, 90_000);

  it('an unknown --model → exit 2 with the choices', async () => {
    const r = await serve(['--model', 'celeba']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--model: must be synthetic or real/);
  }, 60_000);
});
