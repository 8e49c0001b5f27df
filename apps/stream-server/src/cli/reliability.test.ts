import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), 'reliability.ts');

describe('the reliability suite (a small run against a real server process)', () => {
  it('runs the attacks and a small flood, and reports every check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reliability-'));
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--phases', 'attacks,flood', '--clients', '4', '--commands', '100', '--json', join(dir, 'r.json')], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { rows: Array<{ phase: string; ok: boolean | null }>; flood: { worker: { sent: number; rateLimited: number } }; serverExit: number };
      expect(report.rows.filter((x) => x.phase === 'attacks').every((x) => x.ok === true)).toBe(true);
      expect(report.flood.worker.sent).toBe(400);
      expect(report.flood.worker.rateLimited).toBeGreaterThan(0);
      expect(report.serverExit).toBe(0); // SIGTERM: a clean shutdown
      expect(r.stdout).toMatch(/flood +\/healthz during 4 clients × 100 commands/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
