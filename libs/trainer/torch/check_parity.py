"""Check the PyTorch port against the TypeScript networks on the same weights and inputs.

  python libs/trainer/torch/check_parity.py <trainer state dir> [n]

Renders n faces (node), draws n latent codes, runs the TypeScript G_ema mapping + synthesis
(const noise) and D on them (tfjs cpu backend, libs/trainer/src/gan/torch/parity-dump.ts), runs
this port on the same weights, and prints the largest differences. Exit 1 above tolerance.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from gan_torch import Discriminator, Generator, read_lfe_checkpoint, take_prefix  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def main() -> int:
    state = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    manifest, arrays = read_lfe_checkpoint(state)
    cfg = manifest["architecture"]["config"]
    r = cfg["generator"]["resolution"]
    tmp = tempfile.mkdtemp(prefix="gan-parity-")
    z = np.random.default_rng(7).standard_normal((n, cfg["generator"]["zDim"])).astype(np.float32)
    z.tofile(f"{tmp}/z.f32")
    tsx = os.path.join(ROOT, "node_modules", ".bin", "tsx")
    subprocess.run([tsx, "libs/trainer/src/gan/torch/render-chunk.ts", "99", "0", str(n), str(r), f"{tmp}/img.u8"], cwd=ROOT, check=True)
    subprocess.run([tsx, "libs/trainer/src/gan/torch/parity-dump.ts", state, f"{tmp}/z.f32", f"{tmp}/img.u8", f"{tmp}/ts"], cwd=ROOT, check=True)
    G = Generator(cfg["generator"], take_prefix(arrays, "Gema"), "cpu")
    D = Discriminator(cfg["discriminator"], r, take_prefix(arrays, "D"), "cpu")
    with torch.no_grad():
        w = G.mapping(torch.tensor(z))
        img = G.synthesis(w, noise="const").permute(0, 2, 3, 1)
        x = torch.tensor(np.fromfile(f"{tmp}/img.u8", dtype=np.uint8).reshape(n, r, r, 3).astype(np.float32) / 127.5 - 1).permute(0, 3, 1, 2)
        d = D(x)
    ok = True
    for name, ours, tol in (("w", w, 1e-4), ("img", img, 2e-3), ("d", d, 2e-3)):
        ref = np.fromfile(f"{tmp}/ts/{name}.f32", dtype=np.float32).reshape(ours.shape)
        diff = float(np.abs(ours.numpy() - ref).max())
        scale = float(np.abs(ref).max())
        print(f"{name:4s} max |torch − tfjs| = {diff:.2e}   (max |tfjs| = {scale:.3f}, tolerance {tol:.0e}·scale)")
        ok = ok and diff <= tol * max(scale, 1.0)
    print("parity: OK" if ok else "parity: MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
