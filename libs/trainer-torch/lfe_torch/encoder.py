"""The inversion encoder of face-pipeline in PyTorch (image → W+), for training on real faces.

Same network, parameter names and storage layouts as libs/face-pipeline/src/invert/encoder.ts, so
the weights go into a `lfe-encoder` checkpoint the TypeScript `loadEncoder` reads as it is:

    x [B,R,R,3] in [-1,1]
    per stage s, per conv j: x = leaky_relu(conv3x3_same(x, s{s}/conv{j}/w) + b, 0.2)
    after each stage: half-size bilinear resize with half-pixel centres (= a 2×2 average)
    flatten (NHWC order) → dense fc → leaky_relu 0.2 → dense out → [B, numWs, wDim] + mean w

Storage layouts (TypeScript): conv kernels [kh, kw, cin, cout], dense [in, out]. Activations here
are NCHW; kernels are permuted at use.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .checkpoint import load_checkpoint, save_checkpoint

KIND = "lfe-encoder"
DEFAULT_CHANNELS = [32, 64, 96, 128]


def validate_config(c: dict) -> dict:
    for k in ("resolution", "convsPerStage", "featureDim", "wDim", "numWs"):
        v = c.get(k)
        if not isinstance(v, int) or v < 1:
            raise ValueError(f"encoder config: {k} must be a positive integer, got {v!r}")
    ch = c.get("channels")
    if not isinstance(ch, list) or not ch or any(not isinstance(v, int) or v < 1 for v in ch):
        raise ValueError("encoder config: channels must be a non-empty list of positive integers")
    if c["resolution"] % 2 ** len(ch):
        raise ValueError(f"encoder config: resolution {c['resolution']} is not divisible by 2^{len(ch)}")
    return {k: c[k] for k in ("resolution", "channels", "convsPerStage", "featureDim", "wDim", "numWs")}


def tensor_shapes(c: dict) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    ci = 3
    for i, co in enumerate(c["channels"]):
        for j in range(c["convsPerStage"]):
            shapes[f"s{i}/conv{j}/w"] = (3, 3, ci, co)
            shapes[f"s{i}/conv{j}/b"] = (co,)
            ci = co
    side = c["resolution"] // 2 ** len(c["channels"])
    flat = side * side * ci
    shapes["fc/w"] = (flat, c["featureDim"])
    shapes["fc/b"] = (c["featureDim"],)
    shapes["out/w"] = (c["featureDim"], c["numWs"] * c["wDim"])
    shapes["out/b"] = (c["numWs"] * c["wDim"],)
    return shapes


class Encoder:
    """Parameters in a dict (TypeScript names and layouts), all trainable."""

    def __init__(self, config: dict, arrays: dict[str, np.ndarray] | None = None, seed: int = 7, device: torch.device | str = "cpu"):
        self.config = validate_config(config)
        shapes = tensor_shapes(self.config)
        if arrays is None:
            g = torch.Generator().manual_seed(seed)
            arrays = {}
            for name, shape in shapes.items():
                if name.endswith("/b"):
                    arrays[name] = np.zeros(shape, np.float32)
                elif name == "out/w":
                    arrays[name] = (torch.randn(shape, generator=g) * (0.1 / math.sqrt(shape[0]))).numpy()
                else:
                    fan_in = shape[0] * shape[1] * shape[2] if len(shape) == 4 else shape[0]
                    arrays[name] = (torch.randn(shape, generator=g) * math.sqrt(2 / (1.04 * fan_in))).numpy()
        missing = sorted(set(shapes) - set(arrays))
        extra = sorted(set(arrays) - set(shapes))
        if missing or extra:
            raise ValueError(f"encoder weights: missing {missing[:4]}, unexpected {extra[:4]}")
        for name, shape in shapes.items():
            if tuple(arrays[name].shape) != shape:
                raise ValueError(f"encoder weights: {name} is {list(arrays[name].shape)}, the config needs {list(shape)}")
        self.p = {k: torch.tensor(np.asarray(arrays[k], np.float32), device=device).requires_grad_(True) for k in shapes}

    def trainable(self) -> list[torch.Tensor]:
        return list(self.p.values())

    def __call__(self, x: torch.Tensor, w_avg: torch.Tensor) -> torch.Tensor:
        """x [B,3,R,R] in [-1,1] → W+ [B, numWs, wDim]."""
        c, p = self.config, self.p
        r = c["resolution"]
        if x.dim() != 4 or tuple(x.shape[1:]) != (3, r, r):
            raise ValueError(f"encoder: images must be [B,3,{r},{r}], got {list(x.shape)}")
        for i in range(len(c["channels"])):
            for j in range(c["convsPerStage"]):
                x = F.leaky_relu(F.conv2d(x, p[f"s{i}/conv{j}/w"].permute(3, 2, 0, 1), p[f"s{i}/conv{j}/b"], padding=1), 0.2)
            x = F.avg_pool2d(x, 2)
        flat = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        h = F.leaky_relu(flat @ p["fc/w"] + p["fc/b"], 0.2)
        off = (h @ p["out/w"] + p["out/b"]).view(x.shape[0], c["numWs"], c["wDim"])
        return off + w_avg.view(1, 1, -1)

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: t.detach().to("cpu", torch.float32).numpy().copy() for k, t in self.p.items()}

    def save(self, folder: str | Path, provenance: dict, dtype: str = "float32") -> dict:
        return save_checkpoint(folder, KIND, dict(self.config), self.arrays(), provenance, dtype)

    @staticmethod
    def load(folder: str | Path, device: torch.device | str = "cpu") -> Encoder:
        manifest, arrays = load_checkpoint(folder, KIND)
        try:
            return Encoder(manifest["architecture"]["config"], arrays, device=device)
        except ValueError as e:
            raise ValueError(f"{folder}: {e}") from e
