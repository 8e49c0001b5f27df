import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime } from '@lfe/face-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveJudgeTrainConfig } from './judge-trainer';
import { runJudge } from './run-judge';

let dir: string;
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'run-judge-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runJudge (the shared run loop)', () => {
  it('stops, resumes to the same log as one run, and ships the judge with its report', async () => {
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
    const quiet = (): void => undefined;
    await runJudge({ outDir: join(dir, 'a-out'), workDir: join(dir, 'a'), config, resume: false, command: 'test', progress: quiet });
    let n = 0;
    const stopped = await runJudge({ outDir: join(dir, 'b-out'), workDir: join(dir, 'b'), config, resume: false, command: 'test', progress: quiet, shouldStop: () => n++ >= 4 });
    expect(stopped).toBeNull();
    await runJudge({ outDir: join(dir, 'b-out'), workDir: join(dir, 'b'), config, resume: true, command: 'test', progress: quiet });
    const losses = (d: string): number[] =>
      readFileSync(join(dir, d, 'log.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { loss?: number })
        .filter((r) => r.loss !== undefined)
        .map((r) => r.loss!);
    expect(losses('b')).toEqual(losses('a'));
    expect(losses('a')).toHaveLength(6);
    for (const d of ['a-out', 'b-out']) expect(existsSync(join(dir, d, 'report.json'))).toBe(true);
  }, 120_000);
});
