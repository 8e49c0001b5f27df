/** Minimal `--name value` / `--flag` parser for the CLIs (no dependency for four options). */
export function parseArgs(argv: readonly string[], flags: readonly string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') continue;
    if (!a.startsWith('--')) throw new TypeError(`unexpected argument "${a}"`);
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (flags.includes(name)) out.set(name, true);
    else if (inline !== undefined) out.set(name, inline);
    else {
      const v = argv[++i];
      if (v === undefined) throw new TypeError(`--${name} needs a value`);
      out.set(name, v);
    }
  }
  return out;
}
