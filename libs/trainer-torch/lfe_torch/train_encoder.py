"""Train the inversion encoder (image → W+) for a generator on real faces, and export it.

    npx nx run trainer-torch:train-encoder -- --generator training/gan-real/generator \\
        --gan-state training/gan-real/state --out training/encoder-real/encoder --seconds 2400

What it learns from (the TypeScript trainer's recipe, `libs/trainer/src/editor/encoder-trainer.ts`,
here with real faces and a perceptual term):
  - the generator's own samples, whose W+ is known: ‖E(G(w)) − w‖² (ψ ∈ [psiMin, 1], style mixing);
  - real faces of the train split (flipped half the time), whose latent is unknown, through the
    frozen generator: ‖G(E(x)) − x‖² in pixels, plus, with --gan-state, the distance between the
    GAN discriminator's feature maps of G(E(x)) and of x (each layer relative to its energy on x).
No judge and no face descriptor is used (they measure the result; eval-inversion-real reports them).

The run stops after --seconds (resume with --resume: same work folder) or at --steps, the length of
the cosine learning-rate schedule; every checkpoint writes the work state and exports the encoder
(`lfe-encoder`, read by face-pipeline's `loadEncoder`) with `parity.json` (outputs of fixed inputs
that the TypeScript test recomputes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import time
from pathlib import Path

import torch

from .checkpoint import load_checkpoint
from .encoder import DEFAULT_CHANNELS, Encoder
from .gan import Discriminator, Generator, take_prefix
from .real_judge import parity_inputs, to_input
from .realface import load_config, load_real_faces
from .run_clock import RunClock, flip_half, save_state

STATE_FILE = "state.pt"


def log(msg: str) -> None:
    print(msg, flush=True)


def learning_rate(args, step: int) -> float:
    t = min(1.0, step / args.steps)
    return args.lr * (args.final_lr_fraction + (1 - args.final_lr_fraction) * 0.5 * (1 + math.cos(math.pi * t)))


def sample_latents(G: Generator, n: int, psi_min: float, mixing: float, gen: torch.Generator):
    """Random W+ codes (ψ-truncated, style-mixed) and their constant-noise images, without gradients."""
    zdim, nw = G.cfg["zDim"], G.num_ws
    with torch.no_grad():
        w1 = G.mapping(torch.randn((n, zdim), generator=gen))
        w2 = G.mapping(torch.randn((n, zdim), generator=gen))
        u = torch.rand((n, 3), generator=gen)
        at = torch.where(u[:, 0] < mixing, 1 + (u[:, 1] * (nw - 1)).floor(), torch.full((n,), float(nw)))
        rows = torch.arange(nw, dtype=torch.float32)[None, :]
        m = (rows >= at[:, None]).float()[:, :, None]
        wp = w1[:, None, :] * (1 - m) + w2[:, None, :] * m
        psi = psi_min + (1 - psi_min) * u[:, 2]
        avg = G.p["mapping/w_avg"]
        w = avg + (wp - avg) * psi[:, None, None]
        return w, G.synthesis(w, noise="const")


def feature_distance(D: Discriminator, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Σ over D's feature layers of ‖f(a) − f(b)‖² / ‖f(b)‖² (b is the target; no gradient through it)."""
    fa = D.features(a)
    with torch.no_grad():
        fb = D.features(b)
    return sum(((x - y) ** 2).mean() / ((y**2).mean() + 1e-8) for x, y in zip(fa, fb, strict=True))  # type: ignore[return-value]


def sha256_of(folder: Path) -> str:
    m = json.loads((folder / "manifest.json").read_text())
    return str(m["weights"]["sha256"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="nx run trainer-torch:train-encoder", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generator", default="training/gan-real/generator", help="the generator (lfe checkpoint) the encoder inverts into; frozen")
    ap.add_argument("--gan-state", help="GAN trainer state whose discriminator gives the perceptual term (omit: pixels only)")
    ap.add_argument("--data", help="real-face folder (default: training/realface/dataset.json's, ../shared/realface)")
    ap.add_argument("--out", default="training/encoder-real/encoder", help="exported encoder folder")
    ap.add_argument("--work", default="tmp/encoder-real-run", help="resumable state and log")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init", help="start from this exported encoder (same architecture)")
    ap.add_argument("--seconds", type=float, default=0, help="stop this many seconds after the start (0: run to --steps)")
    ap.add_argument("--steps", type=int, default=20000, help="length of the run (the cosine schedule)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps in this call (0: no limit; tests)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--data-fraction", type=float, default=0.5, help="share of each batch that is real faces; the rest are G samples")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--final-lr-fraction", type=float, default=0.05)
    ap.add_argument("--psi-min", type=float, default=0.5)
    ap.add_argument("--mixing-prob", type=float, default=0.5)
    ap.add_argument("--latent-weight", type=float, default=1.0)
    ap.add_argument("--pixel-weight", type=float, default=1.0)
    ap.add_argument("--dfeat-weight", type=float, default=0.1, help="weight of the discriminator-feature term (needs --gan-state)")
    ap.add_argument("--channels", default=",".join(map(str, DEFAULT_CHANNELS)))
    ap.add_argument("--convs", type=int, default=2)
    ap.add_argument("--feature-dim", type=int, default=512)
    ap.add_argument("--seed", type=int, default=402)
    ap.add_argument("--val-faces", type=int, default=256, help="validation faces for the pixel error logged at each checkpoint")
    ap.add_argument("--checkpoint-seconds", type=float, default=300)
    ap.add_argument("--dtype", default="float16", choices=["float16", "float32"])
    ap.add_argument("--limit", type=int, default=0, help="train on the first N train faces only (tests)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--no-cache", action="store_true")
    args = ap.parse_args(argv)
    t_start = time.time()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if not 0 <= args.data_fraction <= 1:
        raise SystemExit("train-encoder: --data-fraction must be in [0, 1]")
    if args.dfeat_weight > 0 and args.gan_state is None:
        log("train-encoder: no --gan-state, so no discriminator-feature term (pixels only)")
    work, out = Path(args.work), Path(args.out)
    work.mkdir(parents=True, exist_ok=True)

    gdir = Path(args.generator)
    gman, garr = load_checkpoint(gdir, "stylegan-generator")
    G = Generator(gman["architecture"]["config"], garr, "cpu")
    for t in G.p.values():
        t.requires_grad_(False)
    r = G.cfg["resolution"]
    D = None
    if args.gan_state is not None and args.dfeat_weight > 0:
        sman, sarr = load_checkpoint(args.gan_state)
        if sman["architecture"].get("kind") != "gan-training-state":
            raise SystemExit(f"train-encoder: {args.gan_state} is not a GAN trainer state")
        D = Discriminator(sman["architecture"]["config"]["discriminator"], r, take_prefix(sarr, "D"), "cpu")
        for t in D.p.values():
            t.requires_grad_(False)
    w_avg = G.p["mapping/w_avg"]

    rcfg = load_config()
    faces = load_real_faces(args.data, rcfg, use_cache=not args.no_cache, log=log)
    if faces.images.shape[1] != r:
        raise SystemExit(f"train-encoder: the faces are {faces.images.shape[1]} px, the generator makes {r} px")
    train_idx = faces.split("train", rcfg)
    if args.limit > 0:
        train_idx = train_idx[: args.limit]
    train = faces.images[train_idx]
    val = to_input(faces.images[faces.split("validation", rcfg)][: args.val_faces])

    config = {"resolution": r, "channels": [int(v) for v in args.channels.split(",")], "convsPerStage": args.convs,
              "featureDim": args.feature_dim, "wDim": G.cfg["wDim"], "numWs": G.num_ws}
    state_path = work / STATE_FILE
    step = 0
    if args.resume:
        if not state_path.is_file():
            raise SystemExit(f"train-encoder: --resume but no {state_path}")
        st = torch.load(state_path, weights_only=False)
        if st["generatorSha256"] != sha256_of(gdir):
            raise SystemExit(f"train-encoder: {state_path} was trained against another generator than {gdir}")
        enc = Encoder(st["config"], st["params"])
        step = int(st["step"])
        args.steps = int(st["steps"])
    elif args.init is not None:
        enc = Encoder.load(args.init)
        if enc.config != Encoder(config).config:
            log(f"train-encoder: --init {args.init} has its own architecture {enc.config}; using it")
    else:
        enc = Encoder(config, seed=args.seed)
    opt = torch.optim.Adam(enc.trainable(), lr=args.lr, betas=(0.9, 0.999))
    gen = torch.Generator().manual_seed(args.seed)
    if args.resume:
        opt.load_state_dict(st["opt"])
        gen.set_state(st["rng"])

    n_data = round(args.batch * args.data_fraction) if args.pixel_weight > 0 else 0
    n_gen = args.batch - n_data
    log(f"train-encoder: generator {gdir} ({G.num_ws}×{G.cfg['wDim']} W+), {len(train)} train faces, batch {n_gen} samples + {n_data} faces, "
        f"step {step}/{args.steps}, encoder {enc.config['channels']}×{enc.config['convsPerStage']} → {enc.config['featureDim']}"
        f"{', D-feature weight ' + str(args.dfeat_weight) if D is not None else ''}")
    command = "npx nx run trainer-torch:train-encoder -- " + " ".join(sys.argv[1:] if argv is None else argv)

    @torch.no_grad()
    def val_mse() -> float:
        errs = []
        for i in range(0, len(val), 64):
            x = val[i : i + 64]
            errs.append(((G.synthesis(enc(x, w_avg), noise="const") - x) ** 2).mean(dim=(1, 2, 3)))
        return float(torch.cat(errs).mean()) if errs else float("nan")

    def save(final: bool) -> None:
        save_state(state_path, {"config": enc.config, "params": enc.arrays(), "opt": opt.state_dict(), "rng": gen.get_state(),
                    "step": step, "steps": args.steps, "generatorSha256": sha256_of(gdir)})
        provenance = {
            "command": command,
            "date": dt.date.today().isoformat(),
            "seed": args.seed,
            "steps": step,
            "generator": {"dir": str(gdir), "sha256": sha256_of(gdir)},
            "data": {"kind": "realface", "split": "train", "faces": len(train), "flips": True,
                     "note": "real faces (CelebA-HQ, non-commercial research terms: ../shared/realface/README.md) and the generator's own samples"},
            "recipe": {k: getattr(args, k) for k in ("batch", "data_fraction", "lr", "final_lr_fraction", "psi_min", "mixing_prob",
                                                    "latent_weight", "pixel_weight", "dfeat_weight")} | {"ganState": args.gan_state},
            "engine": f"PyTorch {torch.__version__} (lfe_torch.train_encoder)",
        }
        enc.save(out, provenance, args.dtype)
        # The hand-over check: outputs of fixed inputs with the exported (rounded) weights.
        shipped = Encoder.load(out)
        with torch.no_grad():
            wp = shipped(torch.from_numpy(parity_inputs(2, r)).permute(0, 3, 1, 2), w_avg)
        (out / "parity.json").write_text(json.dumps({"inputs": "parity_inputs(2, resolution)", "wAvgFrom": str(gdir), "w": wp.numpy().tolist()}) + "\n")
        log(f"[{clock.elapsed():7.1f}s] {'final' if final else 'checkpoint'} step {step}: validation pixel MSE {val_mse():.4f} → {out}")

    clock = RunClock(step, args.seconds, args.max_steps, args.checkpoint_seconds, start=t_start)
    logf = open(work / "log.jsonl", "a")
    while step < args.steps and not clock.should_stop(step):
        lr = learning_rate(args, step)
        for g in opt.param_groups:
            g["lr"] = lr
        loss = torch.zeros(())
        parts: dict[str, float] = {}
        if n_gen > 0 and args.latent_weight > 0:
            w, img = sample_latents(G, n_gen, args.psi_min, args.mixing_prob, gen)
            lat = ((enc(img, w_avg) - w) ** 2).mean()
            loss = loss + args.latent_weight * lat
            parts["latent"] = lat.item()
        if n_data > 0:
            idx = torch.randint(0, len(train), (n_data,), generator=gen).numpy()
            x = to_input(train[idx])
            x = flip_half(x, gen)
            rec = G.synthesis(enc(x, w_avg), noise="const")
            pix = ((rec - x) ** 2).mean()
            loss = loss + args.pixel_weight * pix
            parts["pixel"] = pix.item()
            if D is not None:
                fd = feature_distance(D, rec, x)
                loss = loss + args.dfeat_weight * fd
                parts["dfeat"] = fd.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if not all(math.isfinite(v) for v in parts.values()):
            raise SystemExit(f"train-encoder: the loss is not finite at step {step} ({parts}); lower --lr")
        logf.write(json.dumps({"step": step, "lr": lr, **parts}) + "\n")
        ips = clock.report(step, args.batch)
        if ips is not None:
            left = (args.steps - step) * args.batch / ips / 60
            log(f"[{clock.elapsed():7.1f}s] step {step}/{args.steps} · {ips:.0f} img/s · "
                + " ".join(f"{k} {v:.4f}" for k, v in parts.items()) + f" · lr {lr:.2e} · {left:.0f} min to the end")
        if clock.checkpoint_due():
            save(False)
    logf.close()
    save(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
