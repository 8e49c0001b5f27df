import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a stage runner (runJudge, runCaptioner) needs for the stop/resume check. */
export interface StageRun {
  outDir: string;
  workDir: string;
  resume: boolean;
  command: string;
  progress: (line: string) => void;
  shouldStop?: () => boolean;
}

/**
 * Run a stage once uninterrupted (`a`, `a-out` under `dir`) and once stopped after `stopAfter`
 * steps then resumed (`b`, `b-out`). Returns the per-step losses of both logs and what the stopped
 * run returned (null: it did not finish).
 */
export async function stopAndResume(
  dir: string,
  run: (o: StageRun) => Promise<unknown>,
  stopAfter: number,
): Promise<{ uninterrupted: number[]; resumed: number[]; stoppedResult: unknown }> {
  const quiet = (): void => undefined;
  await run({ outDir: join(dir, 'a-out'), workDir: join(dir, 'a'), resume: false, command: 'test', progress: quiet });
  let n = 0;
  const stoppedResult = await run({ outDir: join(dir, 'b-out'), workDir: join(dir, 'b'), resume: false, command: 'test', progress: quiet, shouldStop: () => n++ >= stopAfter });
  await run({ outDir: join(dir, 'b-out'), workDir: join(dir, 'b'), resume: true, command: 'test', progress: quiet });
  const losses = (d: string): number[] =>
    readFileSync(join(dir, d, 'log.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { loss?: number })
      .filter((r) => r.loss !== undefined)
      .map((r) => r.loss!);
  return { uninterrupted: losses('a'), resumed: losses('b'), stoppedResult };
}
