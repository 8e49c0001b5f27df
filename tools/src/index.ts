/** Public API of @lfe/tools: benchmark helpers shared by the benches in src/bench. */
export { gflops, table, time } from './bench/timing';
export type { Timing } from './bench/timing';
