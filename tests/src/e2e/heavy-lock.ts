/**
 * Holds /tmp/heavy.lock (the team's "one heavy job at a time" lock) while chromium and the server
 * run, so E2E timings and other people's benchmarks do not measure each other. A long training
 * job may hold it for hours: after `waitS` seconds the suite goes on without it and says so.
 */
import { spawn } from 'node:child_process';

export interface HeldLock {
  readonly held: boolean;
  release(): void;
}

export async function takeHeavyLock(waitS = Number(process.env['LFE_E2E_LOCK_WAIT_S'] ?? 20)): Promise<HeldLock> {
  // flock holds the lock while `cat` waits on stdin; closing stdin releases it.
  const child = spawn('flock', ['-w', String(waitS), '/tmp/heavy.lock', 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const held = await new Promise<boolean>((resolve) => {
    child.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('locked')) resolve(true);
    });
    child.once('exit', () => resolve(false));
    child.once('error', () => resolve(false));
  });
  return {
    held,
    release: () => {
      child.stdin.end();
    },
  };
}
