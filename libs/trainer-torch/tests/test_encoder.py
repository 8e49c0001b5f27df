import pytest

pytest.importorskip("torch", reason="torch is not installed in .venv-torch (scripts/setup.sh installs it)")
pytest.importorskip("PIL", reason="PIL is not installed in .venv-torch (scripts/setup.sh installs it)")

import hashlib  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from test_gan import TSX, make_real_folder  # noqa: E402

from lfe_torch.checkpoint import load_checkpoint  # noqa: E402
from lfe_torch.encoder import Encoder  # noqa: E402
from lfe_torch.realface import REPO_ROOT  # noqa: E402
from lfe_torch.train_encoder import main  # noqa: E402

GENERATOR = REPO_ROOT / "training" / "gan-real" / "generator"
STATE = REPO_ROOT / "training" / "gan-real" / "state"
SMALL = {"resolution": 16, "channels": [4, 8], "convsPerStage": 2, "featureDim": 12, "wDim": 6, "numWs": 3}


def reference_encode(enc: Encoder, x_nhwc: np.ndarray, w_avg: np.ndarray) -> np.ndarray:
    """The TypeScript graph written out independently: NHWC conv by explicit patches, bilinear halving."""
    c = enc.config
    a = {k: v.detach().numpy() for k, v in enc.p.items()}
    x = x_nhwc.astype(np.float64)
    for i in range(len(c["channels"])):
        for j in range(c["convsPerStage"]):
            w, b = a[f"s{i}/conv{j}/w"], a[f"s{i}/conv{j}/b"]
            p = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
            h, wd = x.shape[1], x.shape[2]
            y = sum(np.einsum("bhwc,cd->bhwd", p[:, dy : dy + h, dx : dx + wd, :], w[dy, dx]) for dy in range(3) for dx in range(3)) + b
            x = np.where(y > 0, y, 0.2 * y)
        t = torch.from_numpy(x).permute(0, 3, 1, 2)  # tf resizeBilinear(halfPixelCenters) == align_corners False
        x = F.interpolate(t, scale_factor=0.5, mode="bilinear", align_corners=False).permute(0, 2, 3, 1).numpy()
    flat = x.reshape(x.shape[0], -1)
    h = flat @ a["fc/w"] + a["fc/b"]
    h = np.where(h > 0, h, 0.2 * h)
    return (h @ a["out/w"] + a["out/b"]).reshape(-1, c["numWs"], c["wDim"]) + w_avg


def test_the_forward_pass_is_the_typescript_graph() -> None:
    enc = Encoder(SMALL, seed=3)
    for k in enc.p:  # non-zero biases too
        if k.endswith("/b"):
            enc.p[k].data.normal_(0, 0.1)
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (2, 16, 16, 3)).astype(np.float32)
    w_avg = rng.normal(size=6).astype(np.float32)
    with torch.no_grad():
        got = enc(torch.from_numpy(x).permute(0, 3, 1, 2), torch.from_numpy(w_avg)).numpy()
    assert np.allclose(got, reference_encode(enc, x, w_avg), atol=1e-5)
    with pytest.raises(ValueError, match=r"images must be \[B,3,16,16\]"):
        enc(torch.zeros(1, 3, 8, 8), torch.from_numpy(w_avg))


def test_saves_and_loads_the_checkpoint_format_and_refuses_bad_ones(tmp_path: Path) -> None:
    enc = Encoder(SMALL, seed=5)
    enc.save(tmp_path / "e", {"command": "test", "date": "2026-12-07"}, "float32")
    back = Encoder.load(tmp_path / "e")
    assert back.config == enc.config
    for k, v in enc.arrays().items():
        assert np.array_equal(back.arrays()[k], v), k
    with pytest.raises(ValueError, match="must be a positive integer"):
        Encoder({**SMALL, "featureDim": 0})
    with pytest.raises(ValueError, match="not divisible"):
        Encoder({**SMALL, "resolution": 18})
    # another architecture's weights
    man, arrays = load_checkpoint(tmp_path / "e")
    arrays["fc/w"] = arrays["fc/w"][:-1]
    with pytest.raises(ValueError, match=r"fc/w is \[.*\], the config needs"):
        Encoder(SMALL, arrays)
    with pytest.raises(ValueError, match="kind"):
        Encoder.load(REPO_ROOT / "models" / "real" / "judge")
    bad = tmp_path / "bad"
    shutil.copytree(tmp_path / "e", bad)
    with open(bad / "weights.bin", "r+b") as f:
        f.write(b"\x00\x01\x02\x03")
    with pytest.raises(ValueError, match="sha256"):
        Encoder.load(bad)


@pytest.mark.skipif(not GENERATOR.is_dir() or not STATE.is_dir(), reason="needs the committed real-face generator and GAN state")
def test_trains_exports_and_resumes_exactly(tmp_path: Path) -> None:
    data = make_real_folder(tmp_path / "faces", n=12)
    common = ["--generator", str(GENERATOR), "--gan-state", str(STATE), "--data", str(data), "--no-cache",
              "--steps", "16", "--batch", "4", "--val-faces", "0", "--seed", "9", "--lr", "3e-3", "--dtype", "float32", "--threads", "1"]
    # uninterrupted: 16 steps
    assert main([*common, "--out", str(tmp_path / "a"), "--work", str(tmp_path / "wa")]) == 0
    # the same run stopped after 7 steps and resumed
    assert main([*common, "--out", str(tmp_path / "b"), "--work", str(tmp_path / "wb"), "--max-steps", "7"]) == 0
    mid = Encoder.load(tmp_path / "b").arrays()
    assert main([*common, "--out", str(tmp_path / "b"), "--work", str(tmp_path / "wb"), "--resume"]) == 0
    a, b = Encoder.load(tmp_path / "a"), Encoder.load(tmp_path / "b")
    for k, v in a.arrays().items():
        assert np.allclose(b.arrays()[k], v, atol=1e-6), k
        assert np.isfinite(v).all()
    assert not np.array_equal(mid["out/w"], b.arrays()["out/w"])
    # real gradients: the latent regression improves over the run
    log = [json.loads(line) for line in (tmp_path / "wa" / "log.jsonl").read_text().splitlines()]
    assert len(log) == 16 and all({"latent", "pixel", "dfeat"} <= set(r) for r in log)
    assert np.mean([r["latent"] for r in log[-4:]]) < np.mean([r["latent"] for r in log[:4]])
    # what the TypeScript side reads: the manifest, the provenance, the parity outputs
    man, _ = load_checkpoint(tmp_path / "a", "lfe-encoder")
    assert man["architecture"]["config"]["numWs"] == 10 and man["provenance"]["steps"] == 16
    assert man["provenance"]["generator"]["sha256"] == json.loads((GENERATOR / "manifest.json").read_text())["weights"]["sha256"]
    assert man["provenance"]["data"]["faces"] == 12 and man["provenance"]["command"].startswith("npx nx run trainer-torch:train-encoder --")
    parity = json.loads((tmp_path / "a" / "parity.json").read_text())
    assert np.array(parity["w"]).shape == (2, 10, 128)


def test_refuses_to_resume_against_another_generator(tmp_path: Path) -> None:
    if not GENERATOR.is_dir():
        pytest.skip("needs the committed real-face generator")
    data = make_real_folder(tmp_path / "faces", n=4)
    common = ["--data", str(data), "--no-cache", "--steps", "2", "--batch", "2", "--val-faces", "0", "--out", str(tmp_path / "e"), "--work", str(tmp_path / "w")]
    assert main(["--generator", str(GENERATOR), *common]) == 0
    other = tmp_path / "g"
    shutil.copytree(GENERATOR, other)
    blob = bytearray((other / "weights.bin").read_bytes())
    blob[0] ^= 1  # another generator: one bit of its first weight differs
    (other / "weights.bin").write_bytes(bytes(blob))
    m = json.loads((other / "manifest.json").read_text())
    m["weights"]["sha256"] = hashlib.sha256(blob).hexdigest()
    (other / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(SystemExit, match="another generator"):
        main(["--generator", str(other), *common, "--resume"])
    with pytest.raises(SystemExit, match="no .*state.pt"):
        main(["--generator", str(GENERATOR), *common, "--work", str(tmp_path / "nothing"), "--resume"])


@pytest.mark.skipif(not GENERATOR.is_dir() or not TSX.exists() or shutil.which("node") is None,
                    reason="needs the committed real-face generator and the TypeScript side (npm ci)")
def test_typescript_reads_the_export_and_computes_the_same_latents(tmp_path: Path) -> None:
    data = make_real_folder(tmp_path / "faces", n=4)
    assert main(["--generator", str(GENERATOR), "--data", str(data), "--no-cache", "--steps", "2", "--batch", "2", "--val-faces", "0",
                 "--out", str(tmp_path / "e"), "--work", str(tmp_path / "w"), "--threads", "1"]) == 0
    res = subprocess.run([str(TSX), "libs/trainer/src/testing/torch-parity.ts", str(tmp_path / "e"), str(GENERATOR)],
                         cwd=REPO_ROOT, check=True, capture_output=True, text=True)
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["kind"] == "lfe-encoder" and got["n"] == 2 * 10 * 128 and got["worst"] < 1e-4, got
