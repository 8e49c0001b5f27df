import pytest

pytest.importorskip("torch", reason="torch is not installed in .venv-torch (scripts/setup.sh installs it)")
pytest.importorskip("PIL", reason="PIL is not installed in .venv-torch (scripts/setup.sh installs it)")

import json  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

from lfe_torch.checkpoint import load_checkpoint  # noqa: E402
from lfe_torch.gan import Discriminator, Generator, take_prefix  # noqa: E402
from lfe_torch.realface import REPO_ROOT, load_config  # noqa: E402
from lfe_torch.train_gan import Ada, main  # noqa: E402

STATE = REPO_ROOT / "training" / "gan-real" / "state"  # a committed TypeScript trainer state (64 px)
TSX = REPO_ROOT / "node_modules" / ".bin" / "tsx"


def test_ada_moves_p_towards_the_target() -> None:
    ada = Ada(0.2, target=0.6, images=800, device=torch.device("cpu"))
    for k in range(4):  # D sure of every real image: over-fitting, more augmentation
        ada.observe(torch.ones(16), adjust=k == 3)
    assert ada.rt == 1.0 and ada.p == pytest.approx(0.2 + 64 / 800)
    for k in range(4):  # D wrong on most real images: less augmentation
        ada.observe(torch.tensor([1.0] * 4 + [-1.0] * 12), adjust=k == 3)
    assert ada.rt == -0.5 and ada.p == pytest.approx(0.2)
    low = Ada(0.01, target=0.6, images=100, device=torch.device("cpu"))
    low.observe(-torch.ones(16), adjust=True)
    assert low.p == 0.0
    fixed = Ada(0.6, target=0.6, images=0, device=torch.device("cpu"))
    fixed.observe(torch.ones(16), adjust=True)
    assert fixed.p == 0.6 and fixed.rt is None


def make_real_folder(tmp: Path, n: int = 8) -> Path:
    cfg = load_config()
    (tmp / cfg["images"]).mkdir(parents=True)
    rng = np.random.default_rng(3)
    lines = [str(n), "Eyeglasses Smiling"]
    for i in range(1, n + 1):  # numbers 1…n: all in the train split
        Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(tmp / cfg["images"] / f"{i}.png")
        lines.append(f"{i}.png 1 -1")
    (tmp / cfg["attributes"]).write_text("\n".join(lines) + "\n")
    return tmp


def test_trains_on_real_faces_and_writes_the_typescript_layout(tmp_path: Path) -> None:
    if not STATE.is_dir():
        pytest.skip(f"needs the committed trainer state {STATE}")
    data = make_real_folder(tmp_path / "faces")
    out = tmp_path / "run"
    rc = main(["--init", str(STATE), "--real-data", str(data), "--no-cache", "--ada", "--augment", "0.5", "--ada-images", "64",
               "--batch", "4", "--device", "cpu", "--seconds", "600", "--max-steps", "8", "--seed", "3", "--out", str(out)])
    assert rc == 0
    meta = json.loads((out / "gan.json").read_text())
    m = meta["meta"]
    assert m["torchSteps"] == 8 and m["final"] is True and m["totalImages"] == m["initImages"] + 32
    assert m["command"].startswith("nx run trainer-torch:train-gan -- --init")
    assert m["ada"]["lastRt"] is not None and m["augmentP"] in (0.0, 0.5, 1.0)  # adjusted twice (every 4 steps, 16 images: ±0.25)
    assert m["data"].startswith("real:")
    # every tensor of the state comes back, same shapes, finite, and G changed
    manifest, arrays = load_checkpoint(STATE)
    blob = np.fromfile(out / "gan.bin", dtype="<f4")
    assert blob.size * 4 == meta["byteLength"]
    got = {t["name"]: blob[t["offset"] // 4: t["offset"] // 4 + int(np.prod(t["shape"]))].reshape(t["shape"]) for t in meta["tensors"]}
    want = {k: v for k, v in arrays.items() if k.split("/")[0] in ("G", "Gema", "D")}
    assert sorted(got) == sorted(want)
    for k, v in want.items():
        assert got[k].shape == v.shape and np.isfinite(got[k]).all(), k
    assert not np.array_equal(got["G/synth/b64/conv1/w"], want["G/synth/b64/conv1/w"])
    # the written weights load into the networks again
    cfg = manifest["architecture"]["config"]
    G = Generator(cfg["generator"], take_prefix(got, "Gema"), "cpu")
    D = Discriminator(cfg["discriminator"], 64, take_prefix(got, "D"), "cpu")
    with torch.no_grad():
        img = G.synthesis(G.mapping(torch.randn(4, cfg["generator"]["zDim"])), noise="const")
        assert img.shape == (4, 3, 64, 64) and D(img).shape == (4,)
    assert len((out / "log.jsonl").read_text().splitlines()) >= 1


def test_rejects_a_folder_that_is_not_a_gan_state(tmp_path: Path) -> None:
    judge = REPO_ROOT / "models" / "real" / "judge"
    with pytest.raises(ValueError, match="not a GAN trainer state"):
        main(["--init", str(judge), "--real-data", "--seconds", "1", "--out", str(tmp_path / "x")])
    bad = tmp_path / "bad"
    shutil.copytree(STATE, bad)
    with open(bad / "weights.bin", "r+b") as f:
        f.seek(100)
        f.write(b"\xff\xff\xff\xff")
    with pytest.raises(ValueError, match="sha256"):
        main(["--init", str(bad), "--real-data", "--seconds", "1", "--out", str(tmp_path / "y")])


@pytest.mark.skipif(not TSX.exists() or shutil.which("node") is None, reason="the TypeScript side (node_modules, npm ci) is not installed")
def test_parity_with_the_typescript_networks() -> None:
    # The hand-over guard: TypeScript G_ema and D (tfjs cpu) against this port, same weights and inputs.
    from lfe_torch.gan_parity import compare

    res = compare(str(STATE), 2)
    assert all(v["ok"] for v in res.values()), res
    assert res["img"]["diff"] < 1e-4 and res["img"]["scale"] > 0.1
