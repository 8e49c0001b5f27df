/**
 * The PyTorch exporters' fixed test images (`lfe_torch.real_judge.parity_inputs`), rebuilt here:
 * [n, r, r, 3] in [-1, 1], NHWC. A model trained in PyTorch ships `parity.json` with its outputs on
 * these; the TypeScript test recomputes them (the hand-over check).
 */
export function parityInputs(n: number, r: number): Float32Array {
  const out = new Float32Array(n * r * r * 3);
  let i = 0;
  for (let b = 0; b < n; b++) for (let y = 0; y < r; y++) for (let x = 0; x < r; x++) for (let c = 0; c < 3; c++) out[i++] = 0.9 * Math.sin(0.37 * (b + 1) * x + 0.23 * (c + 1) * y + b);
  return out;
}
