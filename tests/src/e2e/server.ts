/**
 * Starts the real stream server the way its `serve` Nx target does (same command and cwd, read
 * from apps/stream-server/project.json), without Nx's own process in between, so the test owns
 * exactly one process group and can stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './fixtures';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly voice: boolean;
  /** Everything the server printed (stdout + stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

interface ServeTarget {
  command: string;
  cwd: string;
}

/** The serve target, or a sentence saying why there is none (the E2E suite then skips). */
export function serveTarget(): ServeTarget | string {
  const file = join(ROOT, 'apps/stream-server/project.json');
  if (!existsSync(file)) return 'apps/stream-server/project.json does not exist';
  const project = JSON.parse(readFileSync(file, 'utf8')) as { targets?: Record<string, { options?: { command?: string; cwd?: string } }> };
  const serve = project.targets?.['serve']?.options;
  if (serve?.command === undefined) return 'apps/stream-server has no `serve` target with a command in project.json';
  const m = /^tsx\s+(\S+)$/.exec(serve.command.trim());
  if (!m) return `apps/stream-server serve target is not "tsx <file>" (got ${JSON.stringify(serve.command)})`;
  const cwd = join(ROOT, (serve.cwd ?? '.').replace('{projectRoot}', 'apps/stream-server'));
  if (!existsSync(join(cwd, m[1] as string))) return `apps/stream-server serve entry ${m[1] ?? ''} does not exist`;
  return { command: m[1] as string, cwd };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startServer(args: readonly string[], token: string, timeoutMs = 90_000): Promise<RunningServer> {
  const target = serveTarget();
  if (typeof target === 'string') throw new Error(target);
  const port = await freePort();
  const child: ChildProcess = spawn(join(ROOT, 'node_modules/.bin/tsx'), [target.command, '--port', String(port), '--host', '127.0.0.1', '--token', token, ...args], {
    cwd: target.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: stop() ends tsx and the node it starts, nothing else
    env: { ...process.env, LFE_LOG_LEVEL: process.env['LFE_E2E_SERVER_LOG_LEVEL'] ?? 'warn' },
  });
  let out = '';
  const keep = (b: Buffer): void => {
    out += b.toString('utf8');
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-(child.pid as number), 'SIGTERM');
    } catch {
      return;
    }
    const t = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(t);
  };
  const started = Date.now();
  while (!/listening on/.test(out)) {
    if (child.exitCode !== null) throw new Error(`stream-server exited with ${child.exitCode}:\n${out.slice(-2000)}`);
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`stream-server did not start within ${timeoutMs} ms:\n${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}`, port, token, voice: /voice: on/.test(out), output: () => out, stop };
}
