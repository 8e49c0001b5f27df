"""The method's captioner (CNN + LSTM) of face-pipeline in PyTorch, for grounding it on real faces.

Same network, parameter names and storage layouts as libs/face-pipeline/src/captioner/captioner.ts,
so the weights go into a `lfe-captioner` checkpoint the TypeScript `Captioner.load` reads as it is:

    CNN: per stage, per conv: 3×3 conv (the first with a bias, the others instance-normalised with
         γ, β), LeakyReLU 0.2; 2×2 average pool after each stage; flatten (NHWC) → dense → LeakyReLU
    context c = x·W_ctx + b; style s = embedding of (full|partial × en|zh)
    LSTM over <start>, y_0 … y_{T-2}: gates = e·W_embed + [c, s]·W_ctx + b + h·W_h
         (order input, forget, candidate, output; forget bias +1)
    log p(y_t | I, y_<t) = log_softmax(h·W_out_h + e·W_out_embed + c·W_out_ctx + b_out)

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

KIND = "lfe-captioner"
FORGET_BIAS = 1.0
DEFAULT_CONFIG = {
    "resolution": 64,
    "stages": [{"channels": 16, "convs": 1}, {"channels": 32, "convs": 1}, {"channels": 64, "convs": 2}, {"channels": 128, "convs": 2}],
    "featureDim": 1024,
    "contextDim": 256,
    "embeddingDim": 64,
    "styleDim": 16,
    "hiddenDim": 256,
}
ARCH_KEYS = ("resolution", "stages", "featureDim", "contextDim", "embeddingDim", "styleDim", "hiddenDim")


def validate_config(c: dict) -> dict:
    for k in ("resolution", "featureDim", "contextDim", "embeddingDim", "styleDim", "hiddenDim"):
        v = c.get(k)
        if not isinstance(v, int) or v < 1:
            raise ValueError(f"captioner config: {k} must be a positive integer, got {v!r}")
    st = c.get("stages")
    def stage_ok(s: object) -> bool:
        return isinstance(s, dict) and all(isinstance(s.get(k), int) and s[k] >= 1 for k in ("channels", "convs"))

    if not isinstance(st, list) or not st or not all(stage_ok(s) for s in st):
        raise ValueError("captioner config: stages must be a non-empty list of {channels, convs} positive integers")
    if c["resolution"] % 2 ** len(st):
        raise ValueError(f"captioner config: resolution {c['resolution']} is not divisible by 2^{len(st)}")
    return {k: c[k] for k in ARCH_KEYS}


def tensor_shapes(c: dict, vocab: int, styles: int) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    ci = 3
    for i, s in enumerate(c["stages"]):
        for j in range(s["convs"]):
            n = f"cnn/s{i}/conv{j}"
            shapes[f"{n}/w"] = (3, 3, ci, s["channels"])
            if i == 0 and j == 0:
                shapes[f"{n}/b"] = (s["channels"],)
            else:
                shapes[f"{n}/gamma"] = (s["channels"],)
                shapes[f"{n}/beta"] = (s["channels"],)
            ci = s["channels"]
    side = c["resolution"] // 2 ** len(c["stages"])
    flat = side * side * ci
    H, E, C, S = c["hiddenDim"], c["embeddingDim"], c["contextDim"], c["styleDim"]
    shapes.update({
        "cnn/fc/w": (flat, c["featureDim"]), "cnn/fc/b": (c["featureDim"],),
        "dec/ctx/w": (c["featureDim"], C), "dec/ctx/b": (C,),
        "dec/style": (styles, S), "dec/embed": (vocab, E),
        "dec/lstm/w_embed": (E, 4 * H), "dec/lstm/w_ctx": (C + S, 4 * H), "dec/lstm/w_h": (H, 4 * H), "dec/lstm/b": (4 * H,),
        "dec/out/w_h": (H, vocab), "dec/out/w_ctx": (C, vocab), "dec/out/w_embed": (E, vocab), "dec/out/b": (vocab,),
    })
    return shapes


def init_std(name: str, shape: tuple[int, ...], c: dict) -> float | None:
    """The TypeScript initialiser's standard deviation (None: zeros; 'gamma': ones)."""
    H, E, C, S = c["hiddenDim"], c["embeddingDim"], c["contextDim"], c["styleDim"]
    if name.endswith("/w") and name.startswith("cnn/s"):
        return math.sqrt(2 / (1.04 * 9 * shape[2]))
    if name == "cnn/fc/w":
        return math.sqrt(2 / (1.04 * shape[0]))
    if name == "dec/ctx/w":
        return math.sqrt(1 / c["featureDim"])
    if name in ("dec/style", "dec/embed"):
        return 1.0
    if name.startswith("dec/lstm/w_"):
        return math.sqrt(1 / (E + C + S + H))
    if name.startswith("dec/out/w_"):
        return math.sqrt(1 / (H + C + E))
    return None


class Captioner:
    def __init__(self, config: dict, vocab: int, styles: int = 4, arrays: dict[str, np.ndarray] | None = None, seed: int = 1):
        self.config = validate_config(config)
        self.vocab, self.styles = vocab, styles
        shapes = tensor_shapes(self.config, vocab, styles)
        if arrays is None:
            g = torch.Generator().manual_seed(seed)
            arrays = {}
            for name, shape in shapes.items():
                std = init_std(name, shape, self.config)
                if name.endswith("/gamma"):
                    arrays[name] = np.ones(shape, np.float32)
                elif std is None:
                    arrays[name] = np.zeros(shape, np.float32)
                else:
                    arrays[name] = (torch.randn(shape, generator=g) * std).numpy()
        missing = sorted(set(shapes) - set(arrays))
        extra = sorted(set(arrays) - set(shapes))
        if missing or extra:
            raise ValueError(f"captioner weights: missing {missing[:4]}, unexpected {extra[:4]}")
        for name, shape in shapes.items():
            if tuple(arrays[name].shape) != shape:
                raise ValueError(f"captioner weights: {name} is {list(arrays[name].shape)}, the config needs {list(shape)}")
        self.p = {k: torch.tensor(np.asarray(arrays[k], np.float32)).requires_grad_(True) for k in shapes}

    def trainable(self) -> list[torch.Tensor]:
        return list(self.p.values())

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """images [B,3,R,R] in [-1,1] → x [B, featureDim]."""
        p = self.p
        r = self.config["resolution"]
        if x.dim() != 4 or tuple(x.shape[1:]) != (3, r, r):
            raise ValueError(f"captioner: images must be [B,3,{r},{r}], got {list(x.shape)}")
        for i, s in enumerate(self.config["stages"]):
            for j in range(s["convs"]):
                n = f"cnn/s{i}/conv{j}"
                y = F.conv2d(x, p[f"{n}/w"].permute(3, 2, 0, 1), padding=1)
                if i == 0 and j == 0:
                    y = y + p[f"{n}/b"].view(1, -1, 1, 1)
                else:
                    mean = y.mean(dim=(2, 3), keepdim=True)
                    var = ((y - mean) ** 2).mean(dim=(2, 3), keepdim=True)
                    y = (y - mean) * torch.rsqrt(var + 1e-5) * p[f"{n}/gamma"].view(1, -1, 1, 1) + p[f"{n}/beta"].view(1, -1, 1, 1)
                x = F.leaky_relu(y, 0.2)
            x = F.avg_pool2d(x, 2)
        flat = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        return F.leaky_relu(flat @ p["cnn/fc/w"] + p["cnn/fc/b"], 0.2)

    def log_probs(self, images: torch.Tensor, ids: torch.Tensor, styles: torch.Tensor, start_id: int) -> torch.Tensor:
        """Teacher-forced log p [B, T, V]; ids [B, T] long (caption, <end>, <pad>…), styles [B] long."""
        p = self.p
        H = self.config["hiddenDim"]
        b, t = ids.shape
        x = self.features(images)
        ctx = x @ p["dec/ctx/w"] + p["dec/ctx/b"]
        ctx_gates = torch.cat([ctx, p["dec/style"][styles]], 1) @ p["dec/lstm/w_ctx"] + p["dec/lstm/b"]
        ctx_out = ctx @ p["dec/out/w_ctx"] + p["dec/out/b"]
        inputs = torch.cat([torch.full((b, 1), start_id, dtype=torch.long), ids[:, :-1]], 1)
        e = p["dec/embed"][inputs]  # [B, T, E]
        e_gates = e @ p["dec/lstm/w_embed"]
        h = torch.zeros(b, H)
        c = torch.zeros(b, H)
        hs = []
        for k in range(t):
            gates = e_gates[:, k] + ctx_gates + h @ p["dec/lstm/w_h"]
            i, f, g, o = gates.split(H, dim=1)
            c = torch.sigmoid(f + FORGET_BIAS) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            hs.append(h)
        hseq = torch.stack(hs, 1)
        logits = hseq @ p["dec/out/w_h"] + e @ p["dec/out/w_embed"] + ctx_out[:, None, :]
        return F.log_softmax(logits, dim=-1)

    def log_prob(self, images: torch.Tensor, ids: torch.Tensor, styles: torch.Tensor, start_id: int, pad_id: int) -> torch.Tensor:
        """Σ_t log p(y_t | I, y_<t) over the non-padding positions [B] (the TypeScript `logProb`)."""
        lp = self.log_probs(images, ids, styles, start_id)
        picked = lp.gather(2, ids[:, :, None]).squeeze(2)
        return (picked * (ids != pad_id).float()).sum(1)

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: t.detach().to("cpu", torch.float32).numpy().copy() for k, t in self.p.items()}

    def save(self, folder: str | Path, vocabulary: dict, provenance: dict, dtype: str = "float32") -> dict:
        """`vocabulary`: {vocabularySize, vocabularyFingerprint, styles} (the captions file's header)."""
        if vocabulary["vocabularySize"] != self.vocab or len(vocabulary["styles"]) != self.styles:
            raise ValueError("captioner: the vocabulary description does not match the network")
        config = dict(self.config, vocabularySize=self.vocab, vocabularyFingerprint=vocabulary["vocabularyFingerprint"], styles=list(vocabulary["styles"]))
        return save_checkpoint(folder, KIND, config, self.arrays(), dict(provenance, vocabularyFingerprint=vocabulary["vocabularyFingerprint"]), dtype)

    @staticmethod
    def load(folder: str | Path) -> tuple[Captioner, dict]:
        manifest, arrays = load_checkpoint(folder, KIND)
        cfg = manifest["architecture"]["config"]
        try:
            cap = Captioner(cfg, int(cfg["vocabularySize"]), len(cfg["styles"]), arrays)
        except (ValueError, KeyError) as e:
            raise ValueError(f"{folder}: {e}") from e
        return cap, {"vocabularySize": cfg["vocabularySize"], "vocabularyFingerprint": cfg["vocabularyFingerprint"], "styles": cfg["styles"]}
