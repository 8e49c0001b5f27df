"""The GAN networks of libs/trainer in PyTorch (the training engine for long runs: CPU here, CUDA on a lent GPU).

Same networks, same parameter names and storage layouts as the TypeScript code:
  libs/face-pipeline/src/generate/generator.ts, modulated-conv.ts, runtime/params.ts (G)
  libs/trainer/src/gan/discriminator.ts (D), losses.ts, gan-trainer.ts (training step)
so a state can move between the two in both directions:
  - weights are read from an lfe checkpoint folder (manifest.json + weights.bin; the TypeScript
    trainer's `state/`; `lfe_torch.checkpoint.load_checkpoint`), G, G_ema and D by their prefixes;
  - weights are written as `<name>.json` + `<name>.bin` (float32, TypeScript layouts), which
    `nx run trainer:import-torch-gan` turns into a real generator checkpoint (and trainer state).
Differences from the TypeScript step, on purpose: R1 is the exact gradient penalty (double backprop,
which our wasm runtime lacks; there it is a finite-difference estimate of the same quantity), and
random draws come from torch's generator, so a run is not bit-identical to a TypeScript run.

Storage layouts (TypeScript): conv kernels [kh, kw, cin, cout], dense [in, out], activations NHWC.
Here activations are NCHW and kernels are permuted at use.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

SQRT2 = math.sqrt(2.0)
SQRT1_2 = math.sqrt(0.5)


# ---------------------------------------------------------------- lfe checkpoint I/O

def take_prefix(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    p = prefix + "/"
    return {k[len(p):]: v for k, v in arrays.items() if k.startswith(p)}


def write_flat(path_base: str, groups: dict[str, dict[str, torch.Tensor]], meta: dict) -> None:
    """`<base>.json` ({meta, tensors: [{name, shape, offset}]}) + `<base>.bin` (float32, little endian)."""
    entries = []
    off = 0
    tmp = path_base + ".bin.tmp"
    with open(tmp, "wb") as f:
        for g, tensors in groups.items():
            for name, t in tensors.items():
                a = t.detach().to("cpu", torch.float32).contiguous().numpy()
                f.write(a.astype("<f4").tobytes())
                entries.append({"name": f"{g}/{name}", "shape": list(a.shape), "offset": off})
                off += a.size * 4
    os.replace(tmp, path_base + ".bin")
    with open(path_base + ".json.tmp", "w") as f:
        json.dump({"meta": meta, "byteLength": off, "tensors": entries}, f)
    os.replace(path_base + ".json.tmp", path_base + ".json")


# ---------------------------------------------------------------- layers (params.ts)

def dense(x, w, b, lr_mul=1.0, gain=1.0):
    y = x @ (w * (gain * lr_mul / math.sqrt(w.shape[0])))
    if b is None:
        return y
    return y + (b if lr_mul == 1 else b * lr_mul)


def conv_scale(w) -> float:
    return 1.0 / math.sqrt(w.shape[0] * w.shape[1] * w.shape[2])


def conv(x, w, b, gain=1.0):
    """Equalized conv; w [kh, kw, cin, cout]; 'same' padding, stride 1."""
    y = F.conv2d(x, (w * (conv_scale(w) * gain)).permute(3, 2, 0, 1), padding=w.shape[0] // 2)
    return y if b is None else y + b.view(1, -1, 1, 1)


def modulated_conv(x, w, style, demodulate=True, gain=1.0):
    """modulated-conv.ts: y = demod ⊙ conv(x ⊙ s, W)."""
    scale = conv_scale(w)
    xs = x * style[:, :, None, None]
    y = F.conv2d(xs, (w * (scale * gain)).permute(3, 2, 0, 1), padding=w.shape[0] // 2)
    if not demodulate:
        return y
    wsq = (w * w).sum(dim=(0, 1)) * (scale * scale)  # [ci, co]
    d = torch.rsqrt((style * style) @ wsq + 1e-8)  # [b, co]
    return y * d[:, :, None, None]


def lrelu(x):
    return F.leaky_relu(x, 0.2) * SQRT2


def pixel_norm(x):
    return x * torch.rsqrt((x * x).mean(dim=-1, keepdim=True) + 1e-8)


def up2(x, r):
    # tf.image.resizeBilinear(alignCorners false, halfPixelCenters true) == align_corners=False
    return F.interpolate(x, size=(r, r), mode="bilinear", align_corners=False)


def down2(x):
    return F.avg_pool2d(x, 2)


# ---------------------------------------------------------------- generator (generator.ts)

def block_resolutions(cfg: dict) -> list[int]:
    out, r = [], 4
    while r <= cfg["resolution"]:
        out.append(r)
        r *= 2
    return out


def channels_at(cfg: dict, r: int) -> int:
    return max(1, min(cfg["channelMax"], cfg["channelBase"] // r))


NON_TRAINABLE_G = ("mapping/w_avg",)


def is_trainable_g(name: str) -> bool:
    return name not in NON_TRAINABLE_G and not name.endswith("noise_const")


class Generator:
    def __init__(self, cfg: dict, arrays: dict[str, np.ndarray], device):
        self.cfg = cfg
        self.res = block_resolutions(cfg)
        self.num_ws = 2 * len(self.res)
        self.p: dict[str, torch.Tensor] = {}
        for k, v in arrays.items():
            t = torch.tensor(v, device=device)
            if is_trainable_g(k):
                t.requires_grad_(True)
            self.p[k] = t
        self._check()

    def _check(self) -> None:
        cfg = self.cfg
        need = [f"mapping/fc{i}/{s}" for i in range(cfg["mappingLayers"]) for s in "wb"] + ["mapping/w_avg", "synth/const"]
        for r in self.res:
            for j in range(1 if r == 4 else 2):
                n = f"synth/b{r}/conv{j}"
                need += [f"{n}/w", f"{n}/affine/w", f"{n}/affine/b", f"{n}/noise_strength", f"{n}/bias", f"{n}/noise_const"]
            need += [f"synth/b{r}/torgb/{s}" for s in ("w", "affine/w", "affine/b", "bias")]
        missing = [k for k in need if k not in self.p]
        extra = [k for k in self.p if k not in need]
        if missing or extra:
            raise ValueError(f"generator weights: missing {missing[:5]}, unexpected {extra[:5]}")

    def trainable(self) -> list[torch.Tensor]:
        return [t for k, t in self.p.items() if is_trainable_g(k)]

    def mapping(self, z):
        c = self.cfg
        x = pixel_norm(z)
        for i in range(c["mappingLayers"]):
            x = lrelu(dense(x, self.p[f"mapping/fc{i}/w"], self.p[f"mapping/fc{i}/b"], c["mappingLrMul"]))
        return x

    def synthesis(self, ws, noise="random", gen=None):
        """ws [B, numWs, wDim] (or [B, wDim]) → images [B, 3, R, R]."""
        p = self.p
        if ws.dim() == 2:
            ws = ws[:, None, :].expand(-1, self.num_ws, -1)
        b = ws.shape[0]
        x = p["synth/const"].permute(0, 3, 1, 2).expand(b, -1, -1, -1)
        rgb = None
        idx = 0
        for r in self.res:
            if r > 4:
                x = up2(x, r)
            convs = 1 if r == 4 else 2
            for j in range(convs):
                n = f"synth/b{r}/conv{j}"
                style = dense(ws[:, idx + j], p[f"{n}/affine/w"], p[f"{n}/affine/b"])
                x = modulated_conv(x, p[f"{n}/w"], style, True, 1.0 if r == 4 else SQRT2)
                if noise != "none":
                    if noise == "const":
                        nz = p[f"{n}/noise_const"].permute(0, 3, 1, 2)
                    else:
                        nz = torch.randn((b, 1, r, r), device=x.device, generator=gen)
                    x = x + nz * p[f"{n}/noise_strength"]
                x = F.leaky_relu(x + p[f"{n}/bias"].view(1, -1, 1, 1), 0.2)
            tw = ws[:, idx + convs]
            idx += 1 if r == 4 else 2
            style = dense(tw, p[f"synth/b{r}/torgb/affine/w"], p[f"synth/b{r}/torgb/affine/b"])
            y = modulated_conv(x, p[f"synth/b{r}/torgb/w"], style, False, SQRT2) + p[f"synth/b{r}/torgb/bias"].view(1, -1, 1, 1)
            rgb = y if rgb is None else up2(rgb, r) + y
        return rgb

    def truncate(self, w, psi):
        if psi == 1:
            return w
        avg = self.p["mapping/w_avg"]
        return avg + (w - avg) * psi


# ---------------------------------------------------------------- discriminator (discriminator.ts)

class Discriminator:
    def __init__(self, cfg: dict, resolution: int, arrays: dict[str, np.ndarray], device):
        self.cfg = dict(cfg, resolution=resolution)
        self.p = {k: torch.tensor(v, device=device).requires_grad_(True) for k, v in arrays.items()}
        need = ["fromrgb/w", "fromrgb/b", "b4/conv/w", "b4/conv/b", "b4/fc/w", "b4/fc/b", "b4/out/w", "b4/out/b"]
        r = resolution
        while r > 4:
            need += [f"b{r}/conv0/w", f"b{r}/conv0/b", f"b{r}/conv1/w", f"b{r}/conv1/b", f"b{r}/skip/w"]
            r //= 2
        if sorted(need) != sorted(self.p):
            raise ValueError(f"discriminator weights: expected {sorted(need)[:4]}…, got {sorted(self.p)[:4]}…")

    def trainable(self) -> list[torch.Tensor]:
        return list(self.p.values())

    def __call__(self, img):
        """img [B, 3, R, R] in [-1, 1] → logits [B]."""
        p = self.p
        act = lambda t: F.leaky_relu(t, 0.2)  # noqa: E731
        x = self.features(img)[-1]
        if self.cfg["resolution"] == 4:  # no down block ran: the fromrgb output keeps its gain
            x = x * SQRT2
        x = torch.cat([x, self._mbstd(x)], dim=1)
        x = act(conv(x, p["b4/conv/w"], p["b4/conv/b"]))
        flat = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # NHWC order, as the TypeScript dense expects
        h = F.leaky_relu(dense(flat, p["b4/fc/w"], p["b4/fc/b"], 1.0, SQRT2), 0.2)
        return dense(h, p["b4/out/w"], p["b4/out/b"], 1.0, SQRT2).reshape(-1)

    def features(self, img) -> list[torch.Tensor]:
        """The activations after fromrgb and after each down block (before the minibatch-std layer):
        a perceptual distance for training other networks against this D's view of faces."""
        p = self.p
        act = lambda t: F.leaky_relu(t, 0.2)  # noqa: E731
        x = act(conv(img, p["fromrgb/w"], p["fromrgb/b"]))
        out = [x]
        gain = SQRT2
        r = self.cfg["resolution"]
        while r > 4:
            skip = conv(down2(x), p[f"b{r}/skip/w"], None, gain * SQRT1_2)
            y = act(conv(x, p[f"b{r}/conv0/w"], p[f"b{r}/conv0/b"], gain))
            y = act(conv(y, p[f"b{r}/conv1/w"], p[f"b{r}/conv1/b"], SQRT2))
            x = down2(y) + skip
            gain = 1.0
            r //= 2
            out.append(x)
        return out

    def _mbstd(self, x):
        b, ch, h, w = x.shape
        g = min(self.cfg["mbstdGroup"], b)
        if b % g:
            raise ValueError(f"discriminator: batch {b} must be a multiple of the mbstd group {g}")
        y = x.reshape(g, b // g, ch, h, w)
        std = torch.sqrt(((y - y.mean(dim=0, keepdim=True)) ** 2).mean(dim=0) + 1e-8)
        s = std.mean(dim=(1, 2, 3))  # [b/g]; sample i = gi·(b/g) + j reads s[j]
        return s.repeat(g).view(b, 1, 1, 1).expand(b, 1, h, w)
