import pytest

pytest.importorskip("torch", reason="torch is not installed in .venv-torch (scripts/setup.sh installs it)")

import time  # noqa: E402
from pathlib import Path  # noqa: E402

import torch  # noqa: E402

from lfe_torch.run_clock import RunClock, flip_half, save_state  # noqa: E402


def test_stops_by_steps_in_this_call_and_by_wall_time_from_the_given_start() -> None:
    c = RunClock(step=10, seconds=0, max_steps=3, checkpoint_seconds=100)
    assert not c.should_stop(12) and c.should_stop(13)
    assert not RunClock(step=0, seconds=0, max_steps=0, checkpoint_seconds=100).should_stop(10**9)
    late = RunClock(step=0, seconds=5, max_steps=0, checkpoint_seconds=100, start=time.time() - 6)
    assert late.should_stop(0) and late.elapsed() >= 6


def test_reports_and_checkpoints_only_when_due() -> None:
    c = RunClock(step=0, seconds=0, max_steps=0, checkpoint_seconds=0.05, report_seconds=0.05)
    assert c.report(5, 32) is None and not c.checkpoint_due()
    time.sleep(0.06)
    rate = c.report(5, 32)
    assert rate is not None and 0 < rate <= 5 * 32 / 0.06
    assert c.checkpoint_due() and not c.checkpoint_due()


def test_flip_half_mirrors_some_images_and_save_state_is_atomic(tmp_path: Path) -> None:
    x = torch.arange(2 * 3 * 2 * 2, dtype=torch.float32).view(8, 3, 1, 1).expand(8, 3, 2, 2).clone()
    x[:, :, :, 1] += 100
    y = flip_half(x, torch.Generator().manual_seed(0))
    flipped = [bool((y[i] != x[i]).any()) for i in range(8)]
    assert any(flipped) and not all(flipped)
    assert all(torch.equal(y[i], x[i].flip(2)) for i in range(8) if flipped[i])
    save_state(tmp_path / "state.pt", {"step": 3})
    assert torch.load(tmp_path / "state.pt")["step"] == 3 and not (tmp_path / "state.pt.tmp").exists()
