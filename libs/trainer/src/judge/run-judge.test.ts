import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime } from '@lfe/face-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAndResume } from '../testing/stop-resume';
import { resolveJudgeTrainConfig } from './judge-trainer';
import { Judge } from './judge';
import { runJudge } from './run-judge';

let dir: string;
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'run-judge-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = resolveJudgeTrainConfig({
  model: { resolution: 32, stages: [{ channels: 4, convs: 1 }, { channels: 4, convs: 1 }], featureDim: 8 },
  batchSize: 4,
  steps: 6,
  warmupSteps: 1,
  checkpointEvery: 2,
  validateEvery: 3,
  validateN: 4,
  reportN: 4,
});

describe('runJudge (the shared run loop)', () => {
  let oneThread: number[] = [];
  it('stops, resumes to the same log as one run, and ships the judge with its report', async () => {
    const { uninterrupted, resumed, stoppedResult } = await stopAndResume(join(dir, 'one'), (o) => runJudge({ ...o, config }), 4);
    expect(stoppedResult).toBeNull();
    expect(resumed).toEqual(uninterrupted);
    expect(uninterrupted).toHaveLength(6);
    for (const d of ['a-out', 'b-out']) expect(existsSync(join(dir, 'one', d, 'report.json'))).toBe(true);
    oneThread = uninterrupted;
  }, 120_000);

  it('does the same data-parallel on two replicas (workers 2), with the losses of the one-thread run', async () => {
    const { uninterrupted, resumed, stoppedResult } = await stopAndResume(join(dir, 'two'), (o) => runJudge({ ...o, config, workers: 2 }), 4);
    expect(stoppedResult).toBeNull();
    expect(resumed).toEqual(uninterrupted);
    expect(uninterrupted).toHaveLength(6);
    expect(oneThread).toHaveLength(6);
    uninterrupted.forEach((l, i) => expect(Math.abs(l - oneThread[i]!) / oneThread[i]!).toBeLessThan(1e-3));
    expect(existsSync(join(dir, 'two', 'a-out', 'report.json'))).toBe(true);
  }, 120_000);

  it('fine-tunes on blinking faces from an init judge, pinning its weights in config.json and the provenance', async () => {
    const base = new Judge(config.model, 9);
    base.save(join(dir, 'init'), { command: 'test', seed: 9, steps: 0, dataManifestSha256: null, date: '2026-01-01T00:00:00Z' });
    base.dispose();
    const sha = (JSON.parse(readFileSync(join(dir, 'init', 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;
    const fine = resolveJudgeTrainConfig({ ...config, seed: 77, init: join(dir, 'init'), blinkFraction: 0.5, steps: 2 });
    const report = await runJudge({ outDir: join(dir, 'fine-out'), workDir: join(dir, 'fine'), config: fine, resume: false, command: 'test', progress: () => undefined });
    expect((JSON.parse(readFileSync(join(dir, 'fine', 'config.json'), 'utf8')) as { initWeightsSha256: string }).initWeightsSha256).toBe(sha);
    expect(report?.provenance['init']).toEqual({ from: join(dir, 'init'), weightsSha256: sha });
    expect(report?.blink?.data.blinkFraction).toBe(1);
    // A fresh start whose config pins other init weights than the folder holds is refused.
    const wrong = { ...fine, initWeightsSha256: '0'.repeat(64) };
    await expect(runJudge({ outDir: join(dir, 'wrong-out'), workDir: join(dir, 'wrong'), config: wrong, resume: false, command: 'test', progress: () => undefined })).rejects.toThrow(/not the ones the config pins/);
  }, 120_000);
});
