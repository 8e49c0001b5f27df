import pytest

pytest.importorskip("torch", reason="torch is not installed in .venv-torch (scripts/setup.sh installs it)")
pytest.importorskip("PIL", reason="PIL is not installed in .venv-torch (scripts/setup.sh installs it)")

import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from test_gan import TSX, make_real_folder  # noqa: E402

from lfe_torch.captioner import Captioner  # noqa: E402
from lfe_torch.checkpoint import load_checkpoint  # noqa: E402
from lfe_torch.realface import REPO_ROOT  # noqa: E402
from lfe_torch.train_captioner import main  # noqa: E402

TINY = {"resolution": 64, "stages": [{"channels": 4, "convs": 1}, {"channels": 8, "convs": 2}], "featureDim": 16,
        "contextDim": 8, "embeddingDim": 6, "styleDim": 3, "hiddenDim": 12}
HEADER = {"kind": "lfe-real-captions", "vocabularyFingerprint": "test0001", "vocabularySize": 20, "padId": 0, "startId": 1, "endId": 2,
          "styles": ["full-en", "full-zh", "partial-en", "partial-zh"], "split": "train", "perFace": 2, "seed": 1}


def write_captions(path: Path, numbers: range, extra: list[str] | None = None) -> Path:
    rng = np.random.default_rng(5)
    lines = [json.dumps({**HEADER, "faces": len(numbers), "captions": 2 * len(numbers)})]
    for n in numbers:
        for s in range(2):
            # a caption that depends on the face: its number picks the first word
            ids = [3 + n % 5, *rng.integers(3, 20, size=int(rng.integers(1, 5))).tolist(), 2]
            lines.append(json.dumps({"number": n, "style": s * 2, "ids": ids}))
    path.write_text("\n".join(lines + (extra or [])) + "\n")
    return path


def common(tmp: Path, data: Path, caps: Path) -> list[str]:
    cfg = tmp / "tiny.json"
    cfg.write_text(json.dumps(TINY))
    return ["--captions", str(caps), "--data", str(data), "--no-cache", "--config", str(cfg), "--steps", "24", "--warmup", "2",
            "--batch", "6", "--seed", "4", "--lr", "1e-2", "--dtype", "float32", "--threads", "1"]


def test_trains_exports_resumes_exactly_and_hands_over_to_typescript(tmp_path: Path) -> None:
    data = make_real_folder(tmp_path / "faces", n=10)
    caps = write_captions(tmp_path / "c.jsonl", range(1, 11))
    args = common(tmp_path, data, caps)
    assert main([*args, "--out", str(tmp_path / "a"), "--work", str(tmp_path / "wa")]) == 0
    assert main([*args, "--out", str(tmp_path / "b"), "--work", str(tmp_path / "wb"), "--max-steps", "10"]) == 0
    assert main([*args, "--out", str(tmp_path / "b"), "--work", str(tmp_path / "wb"), "--resume"]) == 0
    (a, va), (b, _) = Captioner.load(tmp_path / "a"), Captioner.load(tmp_path / "b")
    for k, v in a.arrays().items():
        assert np.allclose(b.arrays()[k], v, atol=1e-6), k
    assert va["vocabularyFingerprint"] == "test0001" and va["styles"] == HEADER["styles"]
    log = [json.loads(line) for line in (tmp_path / "wa" / "log.jsonl").read_text().splitlines()]
    assert len(log) == 24 and all(np.isfinite(r["loss"]) for r in log)
    assert np.mean([r["tokenNll"] for r in log[-6:]]) < np.mean([r["tokenNll"] for r in log[:6]])  # real gradients: it learns
    man, _ = load_checkpoint(tmp_path / "a", "lfe-captioner")
    assert man["architecture"]["config"]["vocabularySize"] == 20 and man["provenance"]["steps"] == 24
    assert man["provenance"]["data"]["faces"] == 10 and man["provenance"]["command"].startswith("npx nx run trainer-torch:train-captioner --")
    parity = json.loads((tmp_path / "a" / "parity.json").read_text())
    assert len(parity["logProb"]) == 4 and all(v < 0 for v in parity["logProb"])


@pytest.mark.skipif(not TSX.exists() or shutil.which("node") is None, reason="the TypeScript side (node_modules, npm ci) is not installed")
def test_typescript_reads_the_export_and_computes_the_same_log_probabilities(tmp_path: Path) -> None:
    # TypeScript's Captioner.load refuses another vocabulary: train on this build's vocabulary
    data = make_real_folder(tmp_path / "faces", n=10)
    real = json.loads(subprocess.run([str(TSX), "-e", "import { VOCABULARY_FINGERPRINT, VOCABULARY } from '@lfe/edit-language';"
                                      "console.log(JSON.stringify({f: VOCABULARY_FINGERPRINT, n: VOCABULARY.length}))"],
                                     cwd=REPO_ROOT, check=True, capture_output=True, text=True).stdout)
    caps = write_captions(tmp_path / "c.jsonl", range(1, 11))
    hdr = {**HEADER, "vocabularyFingerprint": real["f"], "vocabularySize": real["n"]}
    caps.write_text("\n".join([json.dumps(hdr), *caps.read_text().splitlines()[1:]]) + "\n")
    assert main([*common(tmp_path, data, caps), "--steps", "3", "--out", str(tmp_path / "ts"), "--work", str(tmp_path / "wts")]) == 0
    res = subprocess.run([str(TSX), "libs/trainer/src/testing/torch-parity.ts", str(tmp_path / "ts")], cwd=REPO_ROOT, check=True, capture_output=True, text=True)
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["kind"] == "lfe-captioner" and got["n"] == 4 and got["worst"] < 1e-4, got


def test_refuses_bad_captions_files(tmp_path: Path) -> None:
    data = make_real_folder(tmp_path / "faces", n=4)
    out = ["--out", str(tmp_path / "o"), "--work", str(tmp_path / "w")]
    with pytest.raises(SystemExit, match="no captions file"):
        main(["--captions", str(tmp_path / "none.jsonl"), "--data", str(data), *out])
    (tmp_path / "h.jsonl").write_text('{"kind": "something else"}\n')
    with pytest.raises(SystemExit, match="not a captions header"):
        main(["--captions", str(tmp_path / "h.jsonl"), "--data", str(data), *out])
    bad = write_captions(tmp_path / "b.jsonl", range(1, 5), ['{"number": 1, "style": 0}'])
    with pytest.raises(SystemExit, match=r"b\.jsonl:10: not a caption"):
        main(["--captions", str(bad), "--data", str(data), *out])
    big = write_captions(tmp_path / "v.jsonl", range(1, 5), ['{"number": 1, "style": 0, "ids": [25, 2]}'])
    with pytest.raises(SystemExit, match="outside the vocabulary"):
        main(["--captions", str(big), "--data", str(data), *out])
    far = write_captions(tmp_path / "f.jsonl", range(1, 7))
    with pytest.raises(SystemExit, match="not in the data"):
        main(["--captions", str(far), "--data", str(data), *out])


def test_the_network_has_the_typescript_shapes_and_refuses_bad_configs() -> None:
    cap = Captioner({**TINY, "resolution": 16}, vocab=20)
    assert tuple(cap.p["cnn/s0/conv0/w"].shape) == (3, 3, 3, 4) and "cnn/s0/conv0/b" in cap.p and "cnn/s1/conv0/gamma" in cap.p
    assert tuple(cap.p["cnn/fc/w"].shape) == (4 * 4 * 8, 16)  # 16 px after two pools: 4×4×8, flattened
    assert tuple(cap.p["dec/lstm/w_ctx"].shape) == (8 + 3, 48) and tuple(cap.p["dec/out/w_embed"].shape) == (6, 20)
    with pytest.raises(ValueError, match="not divisible"):
        Captioner({**TINY, "resolution": 18}, vocab=20)
    with pytest.raises(ValueError, match="stages"):
        Captioner({**TINY, "stages": [{"channels": 0, "convs": 1}]}, vocab=20)
    arrays = cap.arrays()
    arrays["dec/embed"] = arrays["dec/embed"][:-1]
    with pytest.raises(ValueError, match=r"dec/embed is \[19, 6\]"):
        Captioner({**TINY, "resolution": 16}, vocab=20, arrays=arrays)
