"""The real-face judge: a multi-label CNN over the 40 CelebA attributes at the model's 64 px.

Trained here (PyTorch CPU is ~6× faster than tfjs-wasm on this machine), shipped in the project's
checkpoint format as `lfe-real-judge`, and run at evaluation time by the TypeScript `RealJudge`
(`libs/trainer/src/judge-real`), which computes exactly the inference graph below:

    x [B,64,64,3] in [-1,1]
    per stage s, per conv j: x = leaky_relu(conv3x3_same(x) + b, 0.2)   (batch norm folded in)
    after each stage: 2×2 average pool
    flatten (NHWC order) → dense featureDim → leaky_relu 0.2 → features
    dense 40 → logits;  calibrated p = sigmoid(a_k · logit + c_k)         (a, c fitted on validation)
    with testTimeFlip: logit = mean of the logits of x and of x mirrored left-right
    decision: p ≥ threshold_k                                            (threshold picked on validation)

Only the train split trains it; validation fits calibration and thresholds; test is for reports.
No editing model may train with it (the TypeScript judge-isolation test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .checkpoint import load_checkpoint, save_checkpoint
from .realface import REPO_ROOT, load_config, load_real_faces

KIND = "lfe-real-judge"
DEFAULT_STAGES = [(32, 1), (64, 1), (128, 2), (256, 2)]


class RealJudgeNet(nn.Module):
    def __init__(self, stages: list[tuple[int, int]], feature_dim: int = 256, classes: int = 40, resolution: int = 64, dropout: float = 0.3):
        super().__init__()
        self.stages_cfg = stages
        self.resolution = resolution
        ci = 3
        self.convs: list[nn.Conv2d] = nn.ModuleList()  # type: ignore[assignment]
        self.bns: list[nn.BatchNorm2d] = nn.ModuleList()  # type: ignore[assignment]
        self.layout: list[int] = []  # convs per stage
        for ch, n in stages:
            for _ in range(n):
                self.convs.append(nn.Conv2d(ci, ch, 3, padding=1))
                self.bns.append(nn.BatchNorm2d(ch))
                ci = ch
            self.layout.append(n)
        side = resolution // 2 ** len(stages)
        self.side = side
        self.channels = ci
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(side * side * ci, feature_dim)
        self.fc_bn = nn.BatchNorm1d(feature_dim)
        self.out = nn.Linear(feature_dim, classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        k = 0
        for n in self.layout:
            for _ in range(n):
                x = F.leaky_relu(self.bns[k](self.convs[k](x)), 0.2)
                k += 1
            x = F.avg_pool2d(x, 2)
        # NHWC flatten, the TypeScript layout, so export needs no permutation of fc rows.
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        return F.leaky_relu(self.fc_bn(self.fc(self.drop(x))), 0.2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.drop(self.features(x)))


def fold_bn(w: torch.Tensor, b: torch.Tensor, bn: nn.BatchNorm2d | nn.BatchNorm1d) -> tuple[torch.Tensor, torch.Tensor]:
    assert bn.running_var is not None and bn.running_mean is not None
    s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    shape = [-1] + [1] * (w.dim() - 1)
    return w * s.reshape(shape), bn.bias + (b - bn.running_mean) * s


def export_tensors(net: RealJudgeNet) -> dict[str, np.ndarray]:
    """Inference weights in the TypeScript layouts: conv [kh,kw,ci,co], dense [in,out], BN folded."""
    out: dict[str, np.ndarray] = {}
    with torch.no_grad():
        k = 0
        for s, n in enumerate(net.layout):
            for j in range(n):
                conv = net.convs[k]
                assert conv.bias is not None
                w, b = fold_bn(conv.weight, conv.bias, net.bns[k])
                out[f"s{s}/conv{j}/w"] = w.permute(2, 3, 1, 0).numpy().copy()
                out[f"s{s}/conv{j}/b"] = b.numpy().copy()
                k += 1
        w, b = fold_bn(net.fc.weight, net.fc.bias, net.fc_bn)
        out["fc/w"] = w.t().numpy().copy()
        out["fc/b"] = b.numpy().copy()
        out["out/w"] = net.out.weight.t().numpy().copy()
        out["out/b"] = net.out.bias.numpy().copy()
    return out


def parity_inputs(n: int, r: int) -> np.ndarray:
    """Deterministic test images [n,r,r,3] in [-1,1] that the TypeScript parity test rebuilds exactly."""
    b, y, x, c = np.meshgrid(np.arange(n), np.arange(r), np.arange(r), np.arange(3), indexing="ij")
    return (0.9 * np.sin(0.37 * (b + 1) * x + 0.23 * (c + 1) * y + b)).astype(np.float32)


def reference_logits(t: dict[str, np.ndarray], stages: list[tuple[int, int]], x_nhwc: np.ndarray) -> np.ndarray:
    """The inference graph the TypeScript RealJudge runs, from exported tensors only (calibrated logits)."""
    with torch.no_grad():
        x = torch.from_numpy(x_nhwc).permute(0, 3, 1, 2)
        for s, (_, n) in enumerate(stages):
            for j in range(n):
                w = torch.from_numpy(t[f"s{s}/conv{j}/w"]).permute(3, 2, 0, 1)
                x = F.leaky_relu(F.conv2d(x, w, torch.from_numpy(t[f"s{s}/conv{j}/b"]), padding=1), 0.2)
            x = F.avg_pool2d(x, 2)
        f = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        f = F.leaky_relu(f @ torch.from_numpy(t["fc/w"]) + torch.from_numpy(t["fc/b"]), 0.2)
        z = f @ torch.from_numpy(t["out/w"]) + torch.from_numpy(t["out/b"])
        if "calibration/scale" in t:
            z = z * torch.from_numpy(t["calibration/scale"]) + torch.from_numpy(t["calibration/bias"])
        return z.numpy()


def to_input(images_u8: np.ndarray) -> torch.Tensor:
    """uint8 [B,H,W,3] → float [B,3,H,W] in [-1,1]."""
    return torch.from_numpy(images_u8).permute(0, 3, 1, 2).float().div_(127.5).sub_(1.0)


def augment(x: torch.Tensor, gen: torch.Generator, shift: int = 3) -> torch.Tensor:
    """Random horizontal flip, translation by up to `shift` px (edge padding), mild brightness/contrast."""
    b = x.shape[0]
    flip = torch.rand(b, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    if shift > 0:
        r = x.shape[2]
        p = F.pad(x, (shift, shift, shift, shift), mode="replicate")
        dx = torch.randint(0, 2 * shift + 1, (b,), generator=gen)
        dy = torch.randint(0, 2 * shift + 1, (b,), generator=gen)
        x = torch.stack([p[i, :, dy[i] : dy[i] + r, dx[i] : dx[i] + r] for i in range(b)])
    gain = 1 + 0.1 * (torch.rand(b, 1, 1, 1, generator=gen) * 2 - 1)
    bias = 0.1 * (torch.rand(b, 1, 1, 1, generator=gen) * 2 - 1)
    return (x * gain + bias).clamp(-1, 1)


@torch.no_grad()
def predict_logits(net: RealJudgeNet, images_u8: np.ndarray, batch: int = 500, tta_flip: bool = False) -> np.ndarray:
    net.eval()
    outs = []
    for i in range(0, len(images_u8), batch):
        x = to_input(images_u8[i : i + batch])
        z = net(x)
        if tta_flip:
            z = (z + net(x.flip(3))) / 2
        outs.append(z.numpy())
    return np.concatenate(outs) if outs else np.zeros((0, net.out.out_features), np.float32)


def fit_platt(z: np.ndarray, y: np.ndarray, iters: int = 300) -> tuple[float, float]:
    """Per-attribute logistic calibration p = σ(a·z + c), fitted by NLL (Newton's method)."""
    a, c = 1.0, 0.0
    t = (y > 0).astype(np.float64)
    z = z.astype(np.float64)
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(a * z + c)))
        g = np.array([np.sum((p - t) * z), np.sum(p - t)])
        wgt = p * (1 - p)
        h = np.array([[np.sum(wgt * z * z), np.sum(wgt * z)], [np.sum(wgt * z), np.sum(wgt)]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(h, g)
        a, c = a - step[0], c - step[1]
        if np.max(np.abs(step)) < 1e-9:
            break
    return float(a), float(c)


def auc(score: np.ndarray, y: np.ndarray) -> float:
    pos = y > 0
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    # average ranks for ties
    s_sorted = score[order]
    i = 0
    while i < len(s_sorted):
        j = i
        while j + 1 < len(s_sorted) and s_sorted[j + 1] == s_sorted[i]:
            j += 1
        if j > i:
            ranks[order[i : j + 1]] = (i + j + 2) / 2
        i = j + 1
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def scores(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    pos = y > 0
    acc = float(np.mean(decision == pos))
    tpr = float(np.mean(decision[pos])) if pos.any() else float("nan")
    tnr = float(np.mean(~decision[~pos])) if (~pos).any() else float("nan")
    return acc, (tpr + tnr) / 2


def train(args: argparse.Namespace) -> None:
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    cfg = load_config()
    faces = load_real_faces(args.data, cfg)
    tr = faces.split("train", cfg)
    va = faces.split("validation", cfg)
    if args.limit:
        tr = tr[: args.limit]
        va = va[: max(64, args.limit // 10)]
    stages = [tuple(s) for s in json.loads(args.stages)] if args.stages else DEFAULT_STAGES
    net = RealJudgeNet(stages, feature_dim=args.feature_dim, classes=len(faces.names), dropout=args.dropout)  # type: ignore[arg-type]
    steps_per_epoch = math.ceil(len(tr) / args.batch)
    total = int(args.epochs * steps_per_epoch)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=max(total, 1), pct_start=0.15)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    state_path = work / "state.pt"
    step = 0
    if args.resume and state_path.is_file():
        st = torch.load(state_path, weights_only=False)
        net.load_state_dict(st["net"])
        opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"])
        step = st["step"]
        print(f"resumed at step {step}/{total}")
    start_step = step
    gen = torch.Generator().manual_seed(args.seed * 1000 + step)
    rng = np.random.default_rng(args.seed + step)
    labels = torch.from_numpy((faces.labels > 0).astype(np.float32))
    log = open(work / "log.jsonl", "a")
    t0 = time.time()
    last_save = time.time()
    perm = rng.permutation(tr)
    if args.export_only:
        if step == 0:
            raise SystemExit(f"--export-only: no state in {state_path}")
        finish(net, faces, cfg, va, args, step)
        return
    while step < total:
        net.train()
        k = step % steps_per_epoch
        if k == 0:
            perm = rng.permutation(tr)
        rows = perm[k * args.batch : (k + 1) * args.batch]
        x = augment(to_input(faces.images[rows]), gen, args.shift)
        loss = F.binary_cross_entropy_with_logits(net(x), labels[rows])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        step += 1
        if step % 20 == 0 or step == total:
            el = time.time() - t0
            ips = (step - start_step) * args.batch / max(el, 1e-9)
            eta = (total - step) * args.batch / max(ips, 1e-9)
            print(f"step {step}/{total} epoch {step / steps_per_epoch:.2f} loss {loss.item():.4f} {ips:.0f} img/s ETA {eta / 60:.1f} min", flush=True)
            log.write(json.dumps({"step": step, "loss": loss.item(), "lr": sched.get_last_lr()[0]}) + "\n")
            log.flush()
        if time.time() - last_save > args.checkpoint_seconds or step == total or (work / "STOP").exists():
            torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step}, state_path)
            last_save = time.time()
            if (work / "STOP").exists():
                (work / "STOP").unlink()
                print("stopped (STOP file); resume with --resume")
                return
        if step % (steps_per_epoch * 2) == 0 or step == total:
            z = predict_logits(net, faces.images[va])
            y = faces.labels[va]
            acc = np.mean([scores(z[:, i] > 0, y[:, i])[0] for i in range(z.shape[1])])
            print(f"  validation mean accuracy (threshold 0.5, uncalibrated) {acc * 100:.2f} %", flush=True)
            log.write(json.dumps({"step": step, "valMeanAccuracy": float(acc)}) + "\n")
    finish(net, faces, cfg, va, args, step)


def finish(net: RealJudgeNet, faces, cfg: dict, va: np.ndarray, args: argparse.Namespace, step: int) -> None:
    """Calibrate on validation, pick thresholds, export the checkpoint."""
    z = predict_logits(net, faces.images[va], tta_flip=args.test_time_flip)
    y = faces.labels[va]
    calib, thresholds, rows = [], [], {}
    for i, name in enumerate(faces.names):
        a, c = fit_platt(z[:, i], y[:, i])
        p = 1 / (1 + np.exp(-(a * z[:, i] + c)))
        rule = args.threshold_rule
        if rule == "edit-balanced":
            rule = "balanced" if name in cfg.get("editLabels", []) else "accuracy"
        thr = choose_threshold(p, y[:, i], rule)
        calib.append((a, c))
        thresholds.append(thr)
        acc, bal = scores(p >= thr, y[:, i])
        rows[name] = {"accuracy": acc, "balancedAccuracy": bal, "auc": auc(p, y[:, i]), "threshold": thr}
    mean_acc = float(np.mean([r["accuracy"] for r in rows.values()]))
    print(f"validation after calibration: mean accuracy {mean_acc * 100:.2f} %")
    tensors = export_tensors(net)
    tensors["calibration/scale"] = np.array([c[0] for c in calib], np.float32)
    tensors["calibration/bias"] = np.array([c[1] for c in calib], np.float32)
    tensors["calibration/threshold"] = np.array(thresholds, np.float32)
    config = {
        "resolution": net.resolution,
        "stages": [{"channels": c, "convs": n} for c, n in net.stages_cfg],
        "featureDim": net.fc.out_features,
        "attributes": faces.names,
        "thresholdRule": args.threshold_rule,
        "testTimeFlip": bool(args.test_time_flip),
    }
    prov = {
        "command": " ".join(["nx run trainer-torch:train-real-judge --"] + sys.argv[1:]),
        "seed": args.seed,
        "steps": step,
        "dataManifestSha256": None,
        "date": dt.datetime.now(dt.UTC).isoformat(),
        "engine": f"pytorch {torch.__version__} cpu",
        "data": "CelebA-HQ 64 px, train split 1-27000 of ../shared/realface (training/realface/dataset.json); calibration and thresholds on validation 27001-28500",
        "terms": "CelebA / CelebA-HQ: non-commercial research use only; this model is for non-commercial research use",
        "validation": {"meanAccuracy": mean_acc, "perAttribute": rows},
    }
    out = Path(args.out)
    save_checkpoint(out, KIND, config, tensors, prov, dtype=args.dtype)
    # The hand-over check: calibrated logits of fixed inputs computed from the weights as stored
    # (float16-rounded where shipped so); the TypeScript test recomputes them.
    _, stored = load_checkpoint(out, kind=KIND)
    x = parity_inputs(4, net.resolution)
    z = reference_logits(stored, net.stages_cfg, x)
    if args.test_time_flip:
        z = (z + reference_logits(stored, net.stages_cfg, x[:, :, ::-1, :].copy())) / 2
    (out / "parity.json").write_text(json.dumps({"inputs": "parity_inputs(4, resolution)", "testTimeFlip": bool(args.test_time_flip), "logits": z.tolist()}) + "\n")
    print(f"wrote {out}")


def choose_threshold(p: np.ndarray, y: np.ndarray, rule: str) -> float:
    """`accuracy`: 0.5 on calibrated probabilities (the accuracy-optimal decision when calibrated).
    `balanced`: the validation threshold that maximises balanced accuracy (prior-free).
    `mixed`: the midpoint, in logit space, of the two.
    (`edit-balanced`, per attribute: `balanced` for the data config's editLabels, `accuracy` for the rest.)"""
    if rule == "accuracy":
        return 0.5
    cands = np.unique(np.concatenate([p, [0.5]]))
    best, best_t = -1.0, 0.5
    for t in cands:
        _, bal = scores(p >= t, y)
        if bal > best:
            best, best_t = bal, float(t)
    if rule == "balanced":
        return best_t
    if rule == "mixed":
        lt = math.log(max(best_t, 1e-6) / max(1 - best_t, 1e-6))
        return float(1 / (1 + math.exp(-lt / 2)))
    raise ValueError(f"unknown threshold rule {rule!r}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="train-real-judge", description="Train the real-face judge (40 CelebA attributes, 64 px) on the train split and export it.")
    ap.add_argument("--data", help="real-face folder (default: training/realface/dataset.json's, ../shared/realface)")
    ap.add_argument("--out", default=str(REPO_ROOT / "models" / "real" / "judge"))
    ap.add_argument("--work", default=str(REPO_ROOT / "tmp" / "real-judge-run"), help="resumable state and log")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--epochs", type=float, default=12)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=5e-4)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--shift", type=int, default=3)
    ap.add_argument("--stages", help='JSON [[channels, convs], …]; default [[32,1],[64,1],[128,2],[256,2]]')
    ap.add_argument("--feature-dim", type=int, default=256)
    ap.add_argument("--threshold-rule", default="accuracy", choices=["accuracy", "balanced", "mixed", "edit-balanced"])
    ap.add_argument("--test-time-flip", action=argparse.BooleanOptionalAction, default=True,
                    help="average the logits of the face and its mirror image (calibration, thresholds and the TypeScript judge all do)")
    ap.add_argument("--dtype", default="float16", choices=["float16", "float32"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--export-only", action="store_true", help="with --resume: calibrate and export the saved state without training")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N train faces only (tests)")
    ap.add_argument("--checkpoint-seconds", type=float, default=120)
    train(ap.parse_args(argv))


if __name__ == "__main__":
    main()
