import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How a training CLI is asked to stop cleanly (finish the step, save): Ctrl-C (a second one aborts),
 * SIGTERM, or a `STOP` file in the work folder (signals may not reach us through npx/tsx wrappers).
 * Returns the check the run loop calls before each step.
 */
export function stopRequests(workDir: string, name: string): () => boolean {
  let stop = false;
  process.on('SIGINT', () => {
    if (stop) process.exit(130);
    stop = true;
    console.error(`\n${name}: finishing this step and saving (Ctrl-C again to abort)`);
  });
  process.on('SIGTERM', () => (stop = true));
  const stopFile = join(workDir, 'STOP');
  return () => {
    if (existsSync(stopFile)) {
      rmSync(stopFile);
      stop = true;
    }
    return stop;
  };
}
