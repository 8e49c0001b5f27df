"""What every resumable PyTorch training loop here shares: when to stop, when to report, when to
checkpoint, the atomic state save, and the mirrored-faces augmentation."""

from __future__ import annotations

import time
from pathlib import Path

import torch


class RunClock:
    """Stops after `seconds` of wall time (0: never) or `max_steps` steps in this call (0: never);
    reports throughput every `report_seconds`; says when `checkpoint_seconds` have passed."""

    def __init__(self, step: int, seconds: float, max_steps: int, checkpoint_seconds: float, report_seconds: float = 20.0, start: float | None = None):
        self.start = time.time() if start is None else start  # `seconds` counts from here (the script's start)
        self.first = step
        self.seconds, self.max_steps = seconds, max_steps
        self.checkpoint_seconds, self.report_seconds = checkpoint_seconds, report_seconds
        self._last_ckpt = self._t_prev = time.time()
        self._n_prev = step

    def elapsed(self) -> float:
        return time.time() - self.start

    def should_stop(self, step: int) -> bool:
        return (self.seconds > 0 and self.elapsed() > self.seconds) or (self.max_steps > 0 and step - self.first >= self.max_steps)

    def report(self, step: int, per_step: int) -> float | None:
        """Items per second since the last report, when one is due (else None)."""
        now = time.time()
        if now - self._t_prev <= self.report_seconds:
            return None
        rate = (step - self._n_prev) * per_step / (now - self._t_prev)
        self._t_prev, self._n_prev = now, step
        return rate

    def checkpoint_due(self) -> bool:
        if time.time() - self._last_ckpt <= self.checkpoint_seconds:
            return False
        self._last_ckpt = time.time()
        return True


def save_state(path: Path, state: dict) -> None:
    """torch.save through a temporary file, so a kill never leaves a half-written state."""
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    tmp.replace(path)


def flip_half(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Mirror each image [B,3,H,W] left-right with probability ½ (one draw per image from `gen`)."""
    flip = torch.rand(x.shape[0], generator=gen) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(3), x)
