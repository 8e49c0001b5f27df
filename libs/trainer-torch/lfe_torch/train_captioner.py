"""Ground the method's captioner on real faces: (face, caption) pairs written from CelebA labels.

    npx nx run trainer:real-captions -- --out tmp/real-captions/train.jsonl
    npx nx run trainer:real-captions -- --split validation --per-face 4 --out tmp/real-captions/validation.jsonl
    npx nx run trainer-torch:train-captioner -- --captions tmp/real-captions/train.jsonl \\
        --val-captions tmp/real-captions/validation.jsonl --out training/captioner-real/captioner --seconds 3000

The loss is the TypeScript trainer's (`libs/trainer/src/captioner/captioner-trainer.ts`): the mean
over the batch of −Σ_t log p(y_t | I, y_<t) over the caption and its `<end>`; Adam, linear warm-up
then cosine decay, gradient-norm clipping. Faces come from the train split of the real-face data,
mirrored half the time (no caption word depends on left or right). Every checkpoint writes the work
state (resume with --resume) and exports `lfe-captioner` (read by face-pipeline's `Captioner.load`)
with `parity.json` (log-probabilities of fixed inputs that the TypeScript test recomputes).
No judge is used: the captioner is part of the editor's training.
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

from .captioner import DEFAULT_CONFIG, Captioner
from .real_judge import parity_inputs, to_input
from .realface import load_config, load_real_faces
from .run_clock import RunClock, flip_half, save_state

STATE_FILE = "state.pt"


def log(msg: str) -> None:
    print(msg, flush=True)


class Captions:
    """A captions file (`trainer:real-captions`): header + numbers, styles, padded ids."""

    def __init__(self, path: str | Path, limit: int = 0):
        path = Path(path)
        if not path.is_file():
            raise SystemExit(f"train-captioner: no captions file {path} (write it with `npx nx run trainer:real-captions -- --out {path}`)")
        with open(path) as f:
            first = f.readline()
            try:
                self.header = json.loads(first)
            except json.JSONDecodeError as e:
                raise SystemExit(f"train-captioner: {path}:1 is not a captions header ({e})") from e
            if self.header.get("kind") != "lfe-real-captions":
                raise SystemExit(f"train-captioner: {path}:1 is not a captions header (kind {self.header.get('kind')!r})")
            rows = []
            for i, line in enumerate(f, start=2):
                if not line.strip():
                    continue
                try:
                    r = json.loads(line)
                    rows.append((int(r["number"]), int(r["style"]), [int(v) for v in r["ids"]]))
                except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
                    raise SystemExit(f"train-captioner: {path}:{i}: not a caption ({e})") from e
                if limit and len(rows) >= limit:
                    break
        if not rows:
            raise SystemExit(f"train-captioner: {path} has no captions")
        v, ns = int(self.header["vocabularySize"]), len(self.header["styles"])
        t = max(len(r[2]) for r in rows)
        self.numbers = np.array([r[0] for r in rows], np.int64)
        self.styles = np.array([r[1] for r in rows], np.int64)
        self.ids = np.full((len(rows), t), int(self.header["padId"]), np.int64)
        for i, r in enumerate(rows):
            self.ids[i, : len(r[2])] = r[2]
        if self.ids.max() >= v or self.ids.min() < 0 or self.styles.max() >= ns or self.styles.min() < 0:
            raise SystemExit(f"train-captioner: {path} has ids outside the vocabulary ({v}) or styles outside 0…{ns - 1}")

    def batch_ids(self, idx: np.ndarray) -> torch.Tensor:
        ids = self.ids[idx]
        t = int((ids != self.header["padId"]).sum(1).max())
        return torch.from_numpy(ids[:, :t])


def learning_rate(args, step: int) -> float:
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    t = min(1.0, (step - args.warmup) / max(1, args.steps - args.warmup))
    return args.lr * (args.final_lr_fraction + (1 - args.final_lr_fraction) * 0.5 * (1 + math.cos(math.pi * t)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="nx run trainer-torch:train-captioner", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--captions", default="tmp/real-captions/train.jsonl", help="captions of train faces (trainer:real-captions)")
    ap.add_argument("--val-captions", help="captions of validation faces: token NLL and accuracy at each checkpoint")
    ap.add_argument("--data", help="real-face folder (default: training/realface/dataset.json's, ../shared/realface)")
    ap.add_argument("--out", default="training/captioner-real/captioner")
    ap.add_argument("--work", default="tmp/captioner-real-run")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init", help="start from this exported captioner (same vocabulary)")
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--steps", type=int, default=20000, help="length of the run (warm-up + cosine schedule)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps in this call (0: no limit; tests)")
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--final-lr-fraction", type=float, default=0.05)
    ap.add_argument("--clip-norm", type=float, default=5.0)
    ap.add_argument("--config", help="JSON captioner architecture (default: the TypeScript DEFAULT_CAPTIONER_CONFIG)")
    ap.add_argument("--seed", type=int, default=311)
    ap.add_argument("--val-n", type=int, default=2000)
    ap.add_argument("--checkpoint-seconds", type=float, default=300)
    ap.add_argument("--dtype", default="float16", choices=["float16", "float32"])
    ap.add_argument("--limit", type=int, default=0, help="read only the first N captions (tests)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--no-cache", action="store_true")
    args = ap.parse_args(argv)
    t_start = time.time()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)

    caps = Captions(args.captions, args.limit)
    hdr = caps.header
    val = Captions(args.val_captions, args.val_n) if args.val_captions else None
    if val is not None and val.header["vocabularyFingerprint"] != hdr["vocabularyFingerprint"]:
        raise SystemExit("train-captioner: the validation captions use another vocabulary")
    rcfg = load_config()
    faces = load_real_faces(args.data, rcfg, use_cache=not args.no_cache, log=log)
    row_of = {int(n): i for i, n in enumerate(faces.numbers)}
    missing = [int(n) for n in np.unique(caps.numbers) if int(n) not in row_of]
    if missing:
        raise SystemExit(f"train-captioner: {len(missing)} captioned faces are not in the data (first: {missing[0]}); wrong --data?")
    rows = np.array([row_of[int(n)] for n in caps.numbers], np.int64)
    val_rows = np.array([row_of[int(n)] for n in val.numbers], np.int64) if val is not None else None
    train_numbers = set(faces.numbers[faces.split("train", rcfg)].tolist())
    if not set(np.unique(caps.numbers).tolist()) <= train_numbers:
        raise SystemExit("train-captioner: the captions file names faces outside the train split")

    state_path = work / STATE_FILE
    step = 0
    if args.resume:
        if not state_path.is_file():
            raise SystemExit(f"train-captioner: --resume but no {state_path}")
        st = torch.load(state_path, weights_only=False)
        if st["vocabularyFingerprint"] != hdr["vocabularyFingerprint"]:
            raise SystemExit("train-captioner: the saved state was trained on another vocabulary")
        cap = Captioner(st["config"], st["vocab"], st["styles"], st["params"])
        step, args.steps = int(st["step"]), int(st["steps"])
    elif args.init is not None:
        cap, vocab = Captioner.load(args.init)
        if vocab["vocabularyFingerprint"] != hdr["vocabularyFingerprint"]:
            raise SystemExit(f"train-captioner: --init {args.init} was trained on another vocabulary")
    else:
        cfg = json.loads(Path(args.config).read_text()) if args.config else DEFAULT_CONFIG
        cap = Captioner(cfg, int(hdr["vocabularySize"]), len(hdr["styles"]), seed=args.seed)
    if cap.config["resolution"] != faces.images.shape[1]:
        raise SystemExit(f"train-captioner: the faces are {faces.images.shape[1]} px, the captioner reads {cap.config['resolution']} px")
    opt = torch.optim.Adam(cap.trainable(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    gen = torch.Generator().manual_seed(args.seed)
    if args.resume:
        opt.load_state_dict(st["opt"])
        gen.set_state(st["rng"])
    start_id, pad_id = int(hdr["startId"]), int(hdr["padId"])
    n_params = sum(t.numel() for t in cap.trainable())
    log(f"train-captioner: {len(caps.ids)} captions of {len(np.unique(caps.numbers))} faces, {n_params / 1e6:.2f} M parameters, "
        f"batch {args.batch}, step {step}/{args.steps}")
    command = "npx nx run trainer-torch:train-captioner -- " + " ".join(sys.argv[1:] if argv is None else argv)

    @torch.no_grad()
    def validate() -> dict:
        if val is None or val_rows is None:
            return {}
        nll, tokens, right = 0.0, 0, 0
        for i in range(0, len(val.ids), 250):
            idx = np.arange(i, min(i + 250, len(val.ids)))
            ids = val.batch_ids(idx)
            lp = cap.log_probs(to_input(faces.images[val_rows[idx]]), ids, torch.from_numpy(val.styles[idx]), start_id)
            mask = ids != pad_id
            nll -= float((lp.gather(2, ids[:, :, None]).squeeze(2) * mask).sum())
            right += int(((lp.argmax(2) == ids) & mask).sum())
            tokens += int(mask.sum())
        return {"valTokenNll": nll / tokens, "valTokenAccuracy": right / tokens}

    def save(final: bool) -> None:
        save_state(state_path, {"config": cap.config, "vocab": cap.vocab, "styles": cap.styles, "params": cap.arrays(), "opt": opt.state_dict(),
                    "rng": gen.get_state(), "step": step, "steps": args.steps, "vocabularyFingerprint": hdr["vocabularyFingerprint"]})
        v = validate()
        provenance = {
            "command": command,
            "date": dt.date.today().isoformat(),
            "seed": args.seed,
            "steps": step,
            "data": {"kind": "realface", "split": "train", "faces": int(len(np.unique(caps.numbers))), "captions": int(len(caps.ids)), "flips": True,
                     "captionsFile": {k: hdr[k] for k in ("split", "perFace", "seed", "styles")},
                     "note": "real faces (CelebA-HQ, non-commercial research terms: ../shared/realface/README.md), captions written from their labels"},
            "recipe": {k: getattr(args, k) for k in ("batch", "lr", "final_lr_fraction", "warmup", "clip_norm")},
            "engine": f"PyTorch {torch.__version__} (lfe_torch.train_captioner)",
            **({"validation": v} if v else {}),
        }
        cap.save(out, hdr, provenance, args.dtype)
        shipped, _ = Captioner.load(out)
        idx = np.arange(min(4, len(caps.ids)))
        ids = caps.batch_ids(idx)
        with torch.no_grad():
            lp = shipped.log_prob(torch.from_numpy(parity_inputs(len(idx), cap.config["resolution"])).permute(0, 3, 1, 2), ids,
                                  torch.from_numpy(caps.styles[idx]), start_id, pad_id)
        (out / "parity.json").write_text(json.dumps({"inputs": "parity_inputs(n, resolution)", "ids": ids.tolist(), "styles": caps.styles[idx].tolist(),
                                                     "logProb": lp.tolist()}) + "\n")
        log(f"[{clock.elapsed():7.1f}s] {'final' if final else 'checkpoint'} step {step}: "
            + (f"validation token NLL {v['valTokenNll']:.4f}, accuracy {v['valTokenAccuracy'] * 100:.1f} % " if v else "") + f"→ {out}")

    clock = RunClock(step, args.seconds, args.max_steps, args.checkpoint_seconds, start=t_start)
    logf = open(work / "log.jsonl", "a")
    while step < args.steps and not clock.should_stop(step):
        lr = learning_rate(args, step)
        for g in opt.param_groups:
            g["lr"] = lr
        idx = torch.randint(0, len(caps.ids), (args.batch,), generator=gen).numpy()
        x = to_input(faces.images[rows[idx]])
        x = flip_half(x, gen)
        ids = caps.batch_ids(idx)
        loss = -cap.log_prob(x, ids, torch.from_numpy(caps.styles[idx]), start_id, pad_id).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = float(torch.nn.utils.clip_grad_norm_(cap.trainable(), args.clip_norm if args.clip_norm > 0 else float("inf")))
        opt.step()
        step += 1
        lv = loss.item()
        if not math.isfinite(lv):
            raise SystemExit(f"train-captioner: the loss is not finite at step {step}; lower --lr")
        tok = float((ids != pad_id).sum()) / args.batch
        logf.write(json.dumps({"step": step, "loss": lv, "tokenNll": lv / tok, "gradNorm": gnorm, "lr": lr}) + "\n")
        ips = clock.report(step, args.batch)
        if ips is not None:
            log(f"[{clock.elapsed():7.1f}s] step {step}/{args.steps} · {ips:.0f} captions/s · loss {lv:.3f} (token NLL {lv / tok:.3f}) · "
                f"lr {lr:.2e} · {(args.steps - step) * args.batch / ips / 60:.0f} min to the end")
        if clock.checkpoint_due():
            save(False)
    logf.close()
    save(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
