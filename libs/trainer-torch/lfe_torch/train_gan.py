"""Train the GAN of libs/trainer with PyTorch (CPU here, CUDA on a lent GPU): `nx run trainer-torch:train-gan`.

  npx nx run trainer-torch:train-gan -- --init training/gan-real/state --real-data --ada \\
      --batch 16 --seconds 3000 --out tmp/gan-real-torch
  npx nx run trainer-torch:train-gan -- --init training/gan-default/state \\
      --node node --renderer render-chunk.mjs --images 600000 --seconds 480 --out OUT

What it does, in order:
  1. loads the training images: the real faces' train split (`--real-data [DIR]`, the real-face
     data set of lfe_torch.realface, random flips), or `--images` faces of the synthetic world
     rendered with the repo's own renderer (bundled by device/prepare-device.sh; `--procs` node
     processes in parallel), kept on the device as uint8;
  2. loads G, G_ema and D from a TypeScript trainer state (`--init`; its config is the run's
     architecture and hyper-parameters);
  3. trains as gan-trainer.ts does (non-saturating logistic loss, lazy R1 every r1Interval steps,
     style mixing, tracked mean w, G_ema with the same half-life and ramp-up, Adam(β1 0, β2 0.99)),
     for a wall-clock budget, with fresh Adam moments; optionally with differentiable augmentation
     of everything D sees, at a fixed probability (`--augment P`) or an adaptive one (`--ada`,
     StyleGAN2-ADA's rule: raise p while sign(D(real)) averages above the target, lower it below);
  4. writes `<out>/gan.json` + `gan.bin` (G, Gema, D in TypeScript layouts) every
     `--checkpoint-seconds` and at the end, and a JSON log; `nx run trainer:import-torch-gan`
     turns them into a generator checkpoint and a resumable TypeScript trainer state.
R1 here is the exact penalty (double backprop); its weight follows the StyleGAN2-ADA heuristic
γ = 0.0002·R²/batch unless `--r1-gamma` is given.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shlex
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from lfe_torch.checkpoint import load_checkpoint
from lfe_torch.gan import Discriminator, Generator, take_prefix, write_flat
from lfe_torch.realface import load_config, load_real_faces

T0 = time.time()
ADA_INTERVAL = 4  # steps between adjustments of the adaptive augmentation probability


class Ada:
    """StyleGAN2-ADA's augmentation controller: r_t = E[sign(D(real))] over the last few steps; p moves
    by (images seen since the last adjustment) / `images` towards more augmentation while r_t > target
    (`images` 0: p stays fixed)."""

    def __init__(self, p: float, target: float, images: int, device: torch.device) -> None:
        self.p, self.target, self.images = p, target, images
        self.rt: float | None = None
        self._sign = torch.zeros((), device=device)  # summed on the device: no sync per step
        self._n = 0

    def observe(self, real_logits: torch.Tensor, adjust: bool) -> None:
        self._sign += torch.sign(real_logits).sum()
        self._n += real_logits.shape[0]
        if adjust and self.images > 0:
            self.rt = float(self._sign) / self._n
            self.p = min(1.0, max(0.0, self.p + math.copysign(self._n / self.images, self.rt - self.target)))
            self._sign.zero_()
            self._n = 0


def log(msg: str) -> None:
    print(f"[{time.time() - T0:7.1f}s] {msg}", flush=True)


def render(args, r: int) -> np.ndarray:
    os.makedirs(args.scratch, exist_ok=True)
    per = math.ceil(args.images / args.procs)
    procs, files = [], []
    for k in range(args.procs):
        first = args.data_first + k * per
        count = min(per, args.images - k * per)
        if count <= 0:
            break
        f = os.path.join(args.scratch, f"chunk{k}.u8")
        files.append((f, count))
        procs.append(subprocess.Popen([args.node, args.renderer, str(args.data_seed), str(first), str(count), str(r), f]))
    for p in procs:
        if p.wait() != 0:
            raise RuntimeError(f"renderer exited with {p.returncode}")
    out = np.empty((args.images, r, r, 3), dtype=np.uint8)
    off = 0
    for f, count in files:
        out[off:off + count] = np.fromfile(f, dtype=np.uint8).reshape(count, r, r, 3)
        off += count
        os.remove(f)
    return out


def main(argv: list[str] | None = None) -> int:
    global T0
    T0 = time.time()
    ap = argparse.ArgumentParser(prog="train-gan", description="Train the GAN of libs/trainer with PyTorch; writes the TypeScript weight layout.")
    ap.add_argument("--init", required=True, help="TypeScript GAN trainer state folder (G, Gema, D and the config)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--node", default="node")
    ap.add_argument("--renderer", help="bundled render-chunk.mjs (synthetic world)")
    ap.add_argument("--real-data", nargs="?", const="", default=None,
                    help="train on the real faces' train split instead (training/realface/dataset.json; optional DIR = --data), with random flips")
    ap.add_argument("--augment", type=float, default=None,
                    help="differentiable augmentation of every image D sees (real and fake), applied with this probability per image: "
                         "translation up to 1/8, brightness, saturation, contrast (against D over-fitting on small data; default 0 = off; "
                         "with --ada, the starting probability, default: the one the --init state was saved with)")
    ap.add_argument("--ada", action="store_true",
                    help="adapt the augmentation probability (StyleGAN2-ADA): every 4 steps, raise it while the mean sign of D's "
                         "logits on real images is above --ada-target (D is over-fitting), lower it below")
    ap.add_argument("--ada-target", type=float, default=0.6)
    ap.add_argument("--ada-images", type=int, default=100_000, help="images over which the probability can move from 0 to 1")
    ap.add_argument("--images", type=int, default=600_000)
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 4)
    ap.add_argument("--data-seed", type=int, default=1)
    ap.add_argument("--data-first", type=int, default=50_000_000, help="first face index (the TypeScript run read 0…steps·batch)")
    ap.add_argument("--scratch", default="/tmp/gan-torch-data")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=None, help="default: the state's lr")
    ap.add_argument("--r1-gamma", type=float, default=None)
    ap.add_argument("--pl-weight", type=float, default=0.0,
                    help="path-length regularisation weight (StyleGAN2 uses 2; 0 = off, as every leg so far)")
    ap.add_argument("--pl-interval", type=int, default=4)
    ap.add_argument("--seconds", type=float, required=True, help="stop training this many seconds after the script started")
    ap.add_argument("--checkpoint-seconds", type=float, default=90)
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: time only)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bench-json", help="write the wall time of every step after the first (the warm-up) to this JSON file (tools:bench-gan)")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--no-cache", action="store_true", help="decode the real faces without reading or writing the decoded cache")
    args = ap.parse_args(argv)

    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    dev = torch.device(args.device)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    manifest, arrays = load_checkpoint(args.init)
    if manifest["architecture"].get("kind") != "gan-training-state":
        raise ValueError(f"{args.init}: not a GAN trainer state")
    cfg = manifest["architecture"]["config"]
    gcfg, r = cfg["generator"], cfg["generator"]["resolution"]
    start_step = int(manifest["provenance"]["steps"])
    start_images = start_step * int(cfg["batchSize"])
    lr = args.lr if args.lr is not None else cfg["lr"]
    gamma = args.r1_gamma if args.r1_gamma is not None else 0.0002 * r * r / args.batch
    interval = int(cfg["r1Interval"])
    saved_p = float(((manifest.get("provenance") or {}).get("torch") or {}).get("augmentP") or 0.0)
    aug_p = args.augment if args.augment is not None else (saved_p if args.ada else 0.0)
    if not 0.0 <= aug_p <= 1.0:
        raise ValueError(f"--augment must be in [0, 1], got {aug_p}")
    if args.batch % min(cfg["discriminator"]["mbstdGroup"], args.batch):
        raise ValueError("batch must be a multiple of the mbstd group")
    log(f"device {dev} ({torch.cuda.get_device_name(dev) if dev.type == 'cuda' else 'cpu'}), torch {torch.__version__}; "
        f"init {args.init} at step {start_step} ({start_images} images); batch {args.batch}, lr {lr}, R1 γ {gamma:.4g} every {interval}; "
        f"augmentation p {aug_p:.3f}{' (adaptive, target ' + str(args.ada_target) + ')' if args.ada else ''}")

    if args.real_data is not None:
        rcfg = load_config()
        faces = load_real_faces(args.real_data or None, rcfg, use_cache=not args.no_cache, log=log)
        if faces.images.shape[1] != r:
            raise ValueError(f"real faces are {faces.images.shape[1]} px, the generator makes {r} px")
        data = faces.images[faces.split("train", rcfg)]
        log(f"real faces: train split, {len(data)} images ({data.nbytes / 1e9:.2f} GB)")
    else:
        if args.renderer is None:
            raise SystemExit("--renderer is required for the synthetic world (or pass --real-data)")
        data = render(args, r)
        log(f"rendered {len(data)} faces ({data.nbytes / 1e9:.2f} GB)")
    data_t = torch.from_numpy(data).to(dev)
    del data
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    log(f"faces on {dev}")

    G = Generator(gcfg, take_prefix(arrays, "G"), dev)
    Gema = Generator(gcfg, take_prefix(arrays, "Gema"), dev)
    for t in Gema.p.values():
        t.requires_grad_(False)
    D = Discriminator(cfg["discriminator"], r, take_prefix(arrays, "D"), dev)
    optG = torch.optim.Adam(G.trainable(), lr=lr, betas=(float(cfg["beta1"]), float(cfg["beta2"])), eps=1e-8)
    optD = torch.optim.Adam(D.trainable(), lr=lr, betas=(float(cfg["beta1"]), float(cfg["beta2"])), eps=1e-8)
    gen = torch.Generator(device=dev)
    gen.manual_seed(args.seed)
    pyrng = random.Random(args.seed)  # host-side draws (style-mixing cut) without a device sync
    pyrng_t = torch.Generator().manual_seed(args.seed + 1)  # host-side shift draws of the augmentation
    B, zdim, n_ws = args.batch, gcfg["zDim"], G.num_ws
    log("G, G_ema, D and the optimisers loaded; the first step also runs cuDNN's algorithm search")

    def mixed_ws():
        z = torch.randn((B, zdim), device=dev, generator=gen)
        w = G.mapping(z)
        if pyrng.random() >= cfg["styleMixingProb"]:
            return w[:, None, :].expand(-1, n_ws, -1), w
        cut = 1 + int(pyrng.random() * (n_ws - 1))
        w2 = G.mapping(torch.randn((B, zdim), device=dev, generator=gen))
        return torch.cat([w[:, None, :].expand(-1, cut, -1), w2[:, None, :].expand(-1, n_ws - cut, -1)], 1), w

    flip = args.real_data is not None

    def reals():
        idx = torch.randint(0, data_t.shape[0], (B,), device=dev, generator=gen)
        x = data_t[idx].permute(0, 3, 1, 2).float().div_(127.5).sub_(1)
        if flip:
            m = torch.rand((B, 1, 1, 1), device=dev, generator=gen) < 0.5
            x = torch.where(m, x.flip(3), x)
        return x

    ada = Ada(aug_p, args.ada_target, args.ada_images if args.ada else 0, dev)

    def aug(x):
        """Differentiable augmentation (DiffAugment-style), per image with probability ada.p."""
        if ada.p <= 0:
            return x
        n = x.shape[0]
        on = (torch.rand((n, 1, 1, 1), device=dev, generator=gen) < ada.p).float()
        u = lambda: torch.rand((n, 1, 1, 1), device=dev, generator=gen)  # noqa: E731
        y = x + (u() - 0.5) * 0.4                                                  # brightness ±0.2
        mean = y.mean(1, keepdim=True)
        y = (y - mean) * (u() + 0.5) + mean                                        # saturation ×0.5…1.5
        mean = y.mean((1, 2, 3), keepdim=True)
        y = (y - mean) * (u() + 0.5) + mean                                        # contrast ×0.5…1.5
        s = x.shape[2] // 8                                                        # translation ±1/8, zero padding
        dx, dy = (int(v) for v in torch.randint(-s, s + 1, (2,), generator=pyrng_t))
        y = torch.roll(y, shifts=(dy, dx), dims=(2, 3))
        if dy or dx:
            mask = torch.ones_like(y[:1, :1])
            if dy > 0:
                mask[..., :dy, :] = 0
            elif dy < 0:
                mask[..., dy:, :] = 0
            if dx > 0:
                mask[..., :, :dx] = 0
            elif dx < 0:
                mask[..., :, dx:] = 0
            y = y * mask
        return on * y + (1 - on) * x

    def save(step: int, final: bool) -> None:
        images = step * B
        meta = {
            "kind": "gan-torch-weights",
            "config": cfg,
            "initState": os.path.abspath(args.init),
            "initStep": start_step,
            "initImages": start_images,
            "torchSteps": step,
            "torchImages": images,
            "totalImages": start_images + images,
            "batch": B,
            "lr": lr,
            "r1Gamma": gamma,
            "r1Interval": interval,
            "plWeight": args.pl_weight,
            "plInterval": args.pl_interval,
            "plMean": float(pl_mean),
            "renderedFaces": int(data_t.shape[0]),
            "data": "real: CelebA-HQ 64 px train split (non-commercial research terms)" if args.real_data is not None else "face-synth renders",
            "augment": ada.p,
            "augmentP": ada.p,
            "ada": {"target": args.ada_target, "images": args.ada_images, "lastRt": ada.rt} if args.ada else None,
            "dataSeed": args.data_seed,
            "dataFirst": args.data_first,
            "seconds": round(time.time() - T0, 1),
            "device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
            "torch": torch.__version__,
            "command": "nx run trainer-torch:train-gan -- " + shlex.join(sys.argv[1:] if argv is None else argv),
            "final": final,
        }
        write_flat(os.path.join(args.out, "gan"), {"G": G.p, "Gema": Gema.p, "D": D.p}, meta)
        log(f"saved {args.out}/gan.bin at torch step {step} ({start_images + images} images in all)")

    ema_pairs = ([Gema.p[k] for k, t in G.p.items() if t.requires_grad], [t for t in G.p.values() if t.requires_grad])
    fixed_names = [k for k, t in G.p.items() if not t.requires_grad]
    pl_mean = torch.zeros((), device=dev)  # running mean of the path lengths (StyleGAN2's pl_mean)
    logf = open(os.path.join(args.out, "log.jsonl"), "a")
    step, last_ckpt, last_log, t_train = 0, time.time(), time.time(), time.time()
    acc = {"lossD": 0.0, "lossG": 0.0, "n": 0}
    step_times: list[float] = []
    while True:
        t_step = time.time()
        # D step (fake made without a tape)
        real = reals()
        with torch.no_grad():
            ws, _ = mixed_ws()
            fake = G.synthesis(ws, noise="random", gen=gen)
        sr, sf = D(aug(real)), D(aug(fake))
        lossD = F.softplus(sf).mean() + F.softplus(-sr).mean()
        optD.zero_grad(set_to_none=True)
        lossD.backward()
        optD.step()
        if args.ada:
            ada.observe(sr.detach(), adjust=(step + 1) % ADA_INTERVAL == 0)
        r1v = None
        if gamma > 0 and step % interval == 0:
            x = aug(real).detach().requires_grad_(True)
            (g,) = torch.autograd.grad(D(x).sum(), x, create_graph=True)
            pen = g.square().sum(dim=(1, 2, 3)).mean()
            optD.zero_grad(set_to_none=True)
            (pen * (gamma / 2) * interval).backward()
            optD.step()
            r1v = float(pen.detach())
        # G step; mean w tracked from the mapped codes
        ws, w0 = mixed_ws()
        lossG = F.softplus(-D(aug(G.synthesis(ws, noise="random", gen=gen)))).mean()
        optG.zero_grad(set_to_none=True)
        lossG.backward()
        optG.step()
        plv = None
        if args.pl_weight > 0 and step % args.pl_interval == 0:
            # Path-length regularisation (lazy, on half a batch): |J_w^T y| for image-space noise y
            # should not depend on w, so equal steps in W change the picture by equal amounts.
            half_b = max(1, B // 2)
            z = torch.randn((half_b, zdim), device=dev, generator=gen)
            wpl = G.mapping(z)[:, None, :].expand(-1, n_ws, -1).detach().requires_grad_(True)
            img = G.synthesis(wpl, noise="random", gen=gen)
            y = torch.randn(img.shape, device=dev, generator=gen) / math.sqrt(img.shape[2] * img.shape[3])
            (gw,) = torch.autograd.grad((img * y).sum(), wpl, create_graph=True)
            lengths = gw.square().sum(2).mean(1).sqrt()
            pl_mean = pl_mean.lerp(lengths.mean().detach(), 0.01)
            pen = (lengths - pl_mean).square().mean()
            optG.zero_grad(set_to_none=True)
            (pen * args.pl_weight * args.pl_interval).backward()
            optG.step()
            plv = float(pen.detach())
        with torch.no_grad():
            avg = G.p["mapping/w_avg"]
            avg.add_((w0.mean(0) - avg) * (1 - cfg["wAvgBeta"]))
            images = start_images + (step + 1) * B
            half = min(cfg["emaHalfLifeImages"], images * cfg["emaRampup"]) if cfg["emaRampup"] > 0 else cfg["emaHalfLifeImages"]
            beta = 0.5 ** (B / max(half, 1e-8))
            torch._foreach_lerp_(ema_pairs[0], ema_pairs[1], 1 - beta)
            for k in fixed_names:
                Gema.p[k].copy_(G.p[k])
        if dev.type == "cuda" and args.bench_json:
            torch.cuda.synchronize(dev)
        step_times.append(time.time() - t_step)
        step += 1
        acc["lossD"] += float(lossD.detach()) if step % 10 == 0 else 0.0
        acc["lossG"] += float(lossG.detach()) if step % 10 == 0 else 0.0
        acc["n"] += 1 if step % 10 == 0 else 0
        now = time.time()
        if now - last_log >= 15 or step == 1:
            rate = step * B / (now - t_train)
            rec = {"torchStep": step, "images": start_images + step * B, "imgPerSec": round(rate, 1),
                   "lossD": acc["lossD"] / max(acc["n"], 1), "lossG": acc["lossG"] / max(acc["n"], 1), "r1": r1v, "pl": plv, "plMean": float(pl_mean),
                   "realScore": float(sr.detach().mean()), "fakeScore": float(sf.detach().mean()),
                   "augmentP": round(ada.p, 4), "adaRt": ada.rt, "t": round(now - T0, 1)}
            logf.write(json.dumps(rec) + "\n")
            logf.flush()
            eta = max(0.0, args.seconds - (now - T0))
            log(f"step {step} · {rate:.0f} img/s · lossD {rec['lossD']:.3f} lossG {rec['lossG']:.3f} · aug p {ada.p:.3f} · "
                f"{start_images + step * B} images · {eta / 60:.0f} min left")
            acc = {"lossD": 0.0, "lossG": 0.0, "n": 0}
            last_log = now
        done = (now - T0 >= args.seconds) or (args.max_steps and step >= args.max_steps)
        if done or now - last_ckpt >= args.checkpoint_seconds:
            save(step, bool(done))
            last_ckpt = time.time()
        if done:
            break
    logf.close()
    if args.bench_json:
        times = step_times[1:] or step_times
        med = sorted(times)[len(times) // 2]
        mean = sum(times) / len(times)
        with open(args.bench_json, "w") as f:
            json.dump({"engine": f"pytorch {torch.__version__} {dev.type}", "device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
                       "threads": torch.get_num_threads(), "batch": B, "steps": len(times), "medianStepS": med, "meanStepS": mean,
                       "imagesPerSec": B / mean, "r1Steps": sum(1 for k in range(1, step) if k % interval == 0), "augment": ada.p}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
