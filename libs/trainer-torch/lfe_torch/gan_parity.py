"""Check the PyTorch port against the TypeScript networks on the same weights and inputs.

  npx nx run trainer-torch:gan-parity -- <trainer state dir> [n]

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

from lfe_torch.checkpoint import load_checkpoint
from lfe_torch.gan import Discriminator, Generator, take_prefix

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


TOLERANCE = {"w": 1e-4, "img": 2e-3, "d": 2e-3}  # relative to max(|tfjs|, 1)


def compare(state: str, n: int = 8) -> dict[str, dict[str, float | bool]]:
    """{"w" | "img" | "d": {"diff": max |torch − tfjs|, "scale": max |tfjs|, "ok": within tolerance}}."""
    state = os.path.abspath(state)
    manifest, arrays = load_checkpoint(state)
    cfg = manifest["architecture"]["config"]
    r = cfg["generator"]["resolution"]
    tsx = os.path.join(ROOT, "node_modules", ".bin", "tsx")
    if not os.path.exists(tsx):
        raise FileNotFoundError(f"gan-parity needs the TypeScript side: {tsx} is missing (npm ci)")
    out: dict[str, dict[str, float | bool]] = {}
    with tempfile.TemporaryDirectory(prefix="gan-parity-") as tmp:
        z = np.random.default_rng(7).standard_normal((n, cfg["generator"]["zDim"])).astype(np.float32)
        z.tofile(f"{tmp}/z.f32")
        subprocess.run([tsx, "libs/trainer/src/gan/torch/render-chunk.ts", "99", "0", str(n), str(r), f"{tmp}/img.u8"], cwd=ROOT, check=True)
        subprocess.run([tsx, "libs/trainer/src/gan/torch/parity-dump.ts", state, f"{tmp}/z.f32", f"{tmp}/img.u8", f"{tmp}/ts"], cwd=ROOT, check=True)
        G = Generator(cfg["generator"], take_prefix(arrays, "Gema"), "cpu")
        D = Discriminator(cfg["discriminator"], r, take_prefix(arrays, "D"), "cpu")
        with torch.no_grad():
            w = G.mapping(torch.tensor(z))
            img = G.synthesis(w, noise="const").permute(0, 2, 3, 1)
            x = torch.tensor(np.fromfile(f"{tmp}/img.u8", dtype=np.uint8).reshape(n, r, r, 3).astype(np.float32) / 127.5 - 1).permute(0, 3, 1, 2)
            d = D(x)
        for name, ours in (("w", w), ("img", img), ("d", d)):
            ref = np.fromfile(f"{tmp}/ts/{name}.f32", dtype=np.float32).reshape(ours.shape)
            diff = float(np.abs(ours.numpy() - ref).max())
            scale = float(np.abs(ref).max())
            out[name] = {"diff": diff, "scale": scale, "ok": diff <= TOLERANCE[name] * max(scale, 1.0)}
    return out


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(sys.argv) >= 2 else 2
    res = compare(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8)
    for name, v in res.items():
        print(f"{name:4s} max |torch − tfjs| = {v['diff']:.2e}   (max |tfjs| = {v['scale']:.3f}, tolerance {TOLERANCE[name]:.0e}·scale)")
    ok = all(v["ok"] for v in res.values())
    print("parity: OK" if ok else "parity: MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
