import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime } from '@lfe/face-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAndResume } from '../testing/stop-resume';
import { resolveCaptionerTrainConfig } from './captioner-trainer';
import { runCaptioner } from './run-captioner';

let dir: string;
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'run-captioner-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runCaptioner (the shared run loop)', () => {
  it('stops, resumes to the same log as one run, and ships the captioner with its report', async () => {
    const config = resolveCaptionerTrainConfig({
      model: { resolution: 32, stages: [{ channels: 4, convs: 1 }, { channels: 4, convs: 1 }], featureDim: 16, contextDim: 8, embeddingDim: 8, styleDim: 4, hiddenDim: 8 },
      batchSize: 4,
      steps: 6,
      checkpointEvery: 2,
      validateEvery: 3,
      validateN: 4,
      reportN: 4,
      warmupSteps: 1,
    });
    const { uninterrupted, resumed, stoppedResult } = await stopAndResume(dir, (o) => runCaptioner({ ...o, config }), 4);
    expect(stoppedResult).toBeNull();
    expect(resumed).toEqual(uninterrupted);
    expect(uninterrupted).toHaveLength(6);
    for (const d of ['a-out', 'b-out']) {
      expect(existsSync(join(dir, d, 'manifest.json'))).toBe(true);
      expect(existsSync(join(dir, d, 'report.json'))).toBe(true);
    }
  }, 120_000);
});
