/**
 * Render faces of the synthetic world to a raw file, for the PyTorch GAN port (libs/trainer-torch):
 *   render-chunk <seed> <first> <count> <size> <out.u8>
 * writes `count` images [size,size,3] uint8 (NHWC, no header), image i being
 * render(sample(hashInts(seed, first + i)), size): the exact images SyntheticFaceSource feeds
 * the TypeScript trainer (before its scaling to [-1, 1]). Bundled to one file by
 * `bash libs/trainer-torch/device/prepare-device.sh`, so a machine with node and no node_modules runs it.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { hashInts, render, sample } from '@lfe/face-synth/render-only';

function main(argv: string[]): void {
  const [seedS, firstS, countS, sizeS, out] = argv;
  const nums = [seedS, firstS, countS, sizeS].map((s) => Number(s));
  if (out === undefined || nums.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new TypeError('usage: render-chunk <seed> <first> <count> <size> <out.u8> (non-negative integers)');
  }
  const [seed, first, count, size] = nums as [number, number, number, number];
  const fd = openSync(out, 'w');
  try {
    const perWrite = 256;
    const buf = Buffer.alloc(perWrite * size * size * 3);
    for (let i = 0; i < count; i += perWrite) {
      const n = Math.min(perWrite, count - i);
      for (let j = 0; j < n; j++) buf.set(render(sample(hashInts(seed, first + i + j)), size).data, j * size * size * 3);
      writeSync(fd, buf, 0, n * size * size * 3);
    }
  } finally {
    closeSync(fd);
  }
}

main(process.argv.slice(2));
