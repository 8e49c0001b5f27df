"""Write a GAN trainer state as train_gan.py needs it for `--init`, small enough for a device call.

  bash libs/trainer-torch/py.sh run slim_state training/gan-wide/state .devcarry/init

A TypeScript trainer state holds G, G_ema, D and both Adam optimisers in float32. The port reads
only G, G_ema and D (it starts fresh Adam moments), and the device tool sends at most 64 MiB with
the working tree: a wider generator's state does not fit (channelBase 2048: 86 MB, of which G,
G_ema and D are 36 MB). This keeps those three, in float16 (half the bytes; load_checkpoint
widens them back to float32), with the same manifest fields otherwise and a fresh sha256.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

import numpy as np

from lfe_torch.checkpoint import load_checkpoint

KEEP = ("G/", "Gema/", "D/")


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: slim_state.py <state folder> <out folder>", file=sys.stderr)
        return 2
    src, out = sys.argv[1], sys.argv[2]
    manifest, arrays = load_checkpoint(src)
    if manifest["architecture"].get("kind") != "gan-training-state":
        print(f"slim_state: {src} is not a GAN trainer state", file=sys.stderr)
        return 2
    tensors, chunks, off = [], [], 0
    for t in manifest["tensors"]:
        if not t["name"].startswith(KEEP):
            continue
        a = arrays[t["name"]]
        if not np.isfinite(a).all() or np.abs(a).max(initial=0) > 65504:
            print(f"slim_state: {t['name']} does not fit float16", file=sys.stderr)
            return 1
        b = a.astype("<f2").tobytes()
        tensors.append({**t, "dtype": "float16", "offset": off})
        chunks.append(b)
        off += len(b)
    blob = b"".join(chunks)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "weights.bin"), "wb") as f:
        f.write(blob)
    slim = {**manifest, "tensors": tensors,
            "weights": {**manifest["weights"], "file": "weights.bin", "byteLength": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(slim, f)
    print(f"slim_state: {out}: {len(tensors)} tensors, {len(blob) / 1e6:.1f} MB (G, G_ema, D in float16)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
