import * as tf from '@tensorflow/tfjs';

export interface Timing {
  medianMs: number;
  minMs: number;
  runs: number;
}

/**
 * Median wall time of `fn` (which returns a tensor; its data is read so lazy backends finish), after
 * `warmup` untimed runs. Each run's tensors are disposed. Stops early once `budgetMs` is spent.
 */
export async function time(fn: () => tf.Tensor | tf.Tensor[], opts: { warmup?: number; runs?: number; budgetMs?: number } = {}): Promise<Timing> {
  const warmup = opts.warmup ?? 1;
  const runs = opts.runs ?? 5;
  const budget = opts.budgetMs ?? 20_000;
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    const out = tf.tidy(fn);
    const list = Array.isArray(out) ? out : [out];
    for (const t of list) await t.data();
    const ms = performance.now() - t0;
    tf.dispose(list);
    return ms;
  };
  for (let i = 0; i < warmup; i++) await once();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < runs && (samples.length === 0 || performance.now() - start < budget)) samples.push(await once());
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)]!, minMs: samples[0]!, runs: samples.length };
}

export function gflops(flop: number, ms: number): number {
  return flop / (ms * 1e6);
}

/** Render rows as an aligned text table. */
export function table(header: string[], rows: Array<Array<string | number | null>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null ? '—' : typeof c === 'number' ? fmt(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Array<string | number>): string => r.map((c, i) => String(c).padStart(widths[i]!)).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map((r) => line(r))].join('\n');
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}
