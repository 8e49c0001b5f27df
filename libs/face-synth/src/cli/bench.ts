/**
 * `nx run face-synth:bench [-- --seconds 2]`: renderer throughput (sample + render, one core) at
 * 64/128/256 px, as a table and as one JSON line. Runs under `flock /tmp/heavy.lock`.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { FaceDescription } from '@lfe/edit-language';
import { render } from '../face/render';
import { sample } from '../face/sample';
import { runCli } from './cli-util';

await runCli('bench [--seconds S]', () => {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } });
  const seconds = Number(values.seconds);
  if (!(seconds > 0 && seconds <= 60)) throw new TypeError('--seconds must be in (0, 60]');
  const rows: { size: number; facesPerSecond: number; renderOnlyPerSecond: number; msPerFace: number }[] = [];
  const faces: FaceDescription[] = Array.from({ length: 512 }, (_, i) => sample(i));
  for (const size of [64, 128, 256]) {
    for (let i = 0; i < 200; i++) render(sample(i), size); // warm up the JIT
    // Full pipeline: a fresh face description each time.
    let n = 0;
    let t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      render(sample(1_000_000 + n), size);
      n++;
    }
    const full = n / ((performance.now() - t0) / 1000);
    n = 0;
    t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      render(faces[n % faces.length] as FaceDescription, size);
      n++;
    }
    const renderOnly = n / ((performance.now() - t0) / 1000);
    rows.push({ size, facesPerSecond: Math.round(full), renderOnlyPerSecond: Math.round(renderOnly), msPerFace: +(1000 / full).toFixed(3) });
  }
  const machine = `${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`;
  console.log(`face-synth renderer, one core (${machine})`);
  console.log('size   faces/s (sample+render)   faces/s (render only)   ms/face');
  for (const r of rows) {
    console.log(`${String(r.size).padEnd(6)} ${String(r.facesPerSecond).padStart(22)} ${String(r.renderOnlyPerSecond).padStart(23)} ${r.msPerFace.toFixed(3).padStart(9)}`);
  }
  console.log(JSON.stringify({ bench: 'face-synth-render', machine, results: rows }));
  return Promise.resolve();
});
