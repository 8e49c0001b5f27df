import pytest

pytest.importorskip("torch", reason="torch is not installed in .venv-torch (scripts/setup.sh installs it)")
pytest.importorskip("numpy", reason="numpy is not installed in .venv-torch (scripts/setup.sh installs it)")

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from lfe_torch.checkpoint import load_checkpoint  # noqa: E402
from lfe_torch.real_judge import RealJudgeNet, auc, export_tensors, fit_platt, main, reference_logits  # noqa: E402


def test_export_folds_batch_norm_exactly() -> None:
    torch.manual_seed(0)
    stages = [(8, 1), (16, 2)]
    net = RealJudgeNet(stages, feature_dim=16, classes=5, resolution=16)
    # give batch norm non-trivial statistics
    net.train()
    with torch.no_grad():
        for _ in range(5):
            net(torch.randn(32, 3, 16, 16) * 0.7 + 0.1)
    net.eval()
    x = np.random.default_rng(1).uniform(-1, 1, (4, 16, 16, 3)).astype(np.float32)
    want = net(torch.from_numpy(x).permute(0, 3, 1, 2)).detach().numpy()
    got = reference_logits(export_tensors(net), stages, x)
    np.testing.assert_allclose(got, want, atol=1e-4)


def test_platt_and_auc() -> None:
    rng = np.random.default_rng(0)
    y = np.where(rng.uniform(size=4000) < 0.3, 1, -1)
    z = 2.0 * (y > 0) - 1 + rng.normal(0, 1, size=4000)  # logits with a known scale
    a, c = fit_platt(z, y)
    # true posterior: log-odds = 2z + log(0.3/0.7) for unit-variance Gaussians at ±1
    assert abs(a - 2) < 0.2 and abs(c - np.log(0.3 / 0.7)) < 0.2
    assert auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([-1, -1, 1, 1])) == 0.75


def test_tiny_training_run_exports_a_loadable_checkpoint(tmp_path: Path) -> None:
    out = tmp_path / "judge"
    main(["--limit", "256", "--epochs", "1", "--batch", "64", "--stages", "[[8,1],[16,1],[16,1],[16,1]]", "--feature-dim", "32",
          "--work", str(tmp_path / "work"), "--out", str(out), "--dtype", "float32", "--checkpoint-seconds", "1000"])
    m, t = load_checkpoint(out, kind="lfe-real-judge")
    cfg = m["architecture"]["config"]
    assert len(cfg["attributes"]) == 40 and cfg["stages"][0] == {"channels": 8, "convs": 1}
    assert t["calibration/scale"].shape == (40,) and t["out/w"].shape == (32, 40)
    assert "non-commercial" in m["provenance"]["terms"]
    assert len(json.loads((out / "parity.json").read_text())["logits"]) == 4
    assert json.loads((tmp_path / "work" / "log.jsonl").read_text().splitlines()[-1])["step"] == 4
