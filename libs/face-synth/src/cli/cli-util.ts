/** Shared bits of the CLIs: argument checks and one place that turns errors into exit codes. */

export function intArg(name: string, text: string | undefined, min = -(2 ** 31), max = 2 ** 31 - 1): number {
  const v = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(v) || v < min || v > max) {
    throw new TypeError(`--${name} must be an integer in ${min}…${max}, got ${JSON.stringify(text)}`);
  }
  return v;
}

/** Run a CLI body; `--help` prints the usage line and exits 0; bad arguments exit 2 with the usage line, other failures exit 1. */
export async function runCli(usage: string, body: () => Promise<void>): Promise<void> {
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    console.log(`usage: nx run face-synth:${usage}`);
    return;
  }
  try {
    await body();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof TypeError) {
      console.error(`error: ${message}\nusage: ${usage}`);
      process.exitCode = 2;
    } else {
      console.error(`error: ${message}`);
      process.exitCode = 1;
    }
  }
}
