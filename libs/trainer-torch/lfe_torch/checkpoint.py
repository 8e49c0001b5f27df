"""Read and write the project's checkpoint format (`lfe-checkpoint`, libs/face-pipeline/src/checkpoint).

A folder with `manifest.json` (architecture kind + config, tensor table, sha256 of the bytes,
provenance) and `weights.bin` (little-endian float32 or float16 tensors, each padded to 4 bytes).
The TypeScript `loadCheckpoint` validates everything written here; a test loads it there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

FORMAT = "lfe-checkpoint"
FORMAT_VERSION = 1


def save_checkpoint(
    folder: str | Path,
    kind: str,
    config: dict,
    tensors: dict[str, np.ndarray],
    provenance: dict,
    dtype: str = "float32",
) -> dict:
    if dtype not in ("float32", "float16"):
        raise ValueError(f"dtype must be float32 or float16, got {dtype}")
    for key in ("command", "date"):
        if key not in provenance:
            raise ValueError(f"provenance needs {key!r}")
    parts: list[bytes] = []
    table = []
    offset = 0
    for name, arr in tensors.items():
        a = np.ascontiguousarray(arr, dtype=np.float16 if dtype == "float16" else np.float32)
        if not np.all(np.isfinite(a)):
            raise ValueError(f"tensor {name} has non-finite values")
        b = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        pad = (4 - len(b) % 4) % 4
        table.append({"name": name, "shape": list(a.shape), "dtype": dtype, "offset": offset, "byteLength": len(b)})
        parts.append(b + b"\0" * pad)
        offset += len(b) + pad
    weights = b"".join(parts)
    manifest = {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "architecture": {"kind": kind, "config": config},
        "tensors": table,
        "weights": {"file": "weights.bin", "byteLength": len(weights), "sha256": hashlib.sha256(weights).hexdigest()},
        "provenance": provenance,
    }
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    (tmp / "weights.bin").write_bytes(weights)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    old = folder.parent / f".{folder.name}.old-{os.getpid()}"
    if folder.exists():
        folder.rename(old)
    tmp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def load_checkpoint(folder: str | Path, kind: str | None = None) -> tuple[dict, dict[str, np.ndarray]]:
    folder = Path(folder)
    mpath = folder / "manifest.json"
    if not mpath.is_file():
        raise FileNotFoundError(f"checkpoint: no manifest.json in {folder}")
    manifest = json.loads(mpath.read_text())
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{mpath}: not an {FORMAT}")
    if kind is not None and manifest["architecture"]["kind"] != kind:
        raise ValueError(f"{mpath}: kind {manifest['architecture']['kind']!r}, want {kind!r}")
    data = (folder / "weights.bin").read_bytes()
    if hashlib.sha256(data).hexdigest() != manifest["weights"]["sha256"]:
        raise ValueError(f"{folder / 'weights.bin'}: sha256 does not match the manifest (corrupt or changed)")
    out = {}
    for t in manifest["tensors"]:
        dt = np.dtype("<f2") if t["dtype"] == "float16" else np.dtype("<f4")
        a = np.frombuffer(data, dtype=dt, count=int(np.prod(t["shape"], dtype=np.int64)), offset=t["offset"])
        out[t["name"]] = a.astype(np.float32).reshape(t["shape"])
    return manifest, out
