import pytest

pytest.importorskip("numpy", reason="numpy is not installed in .venv-torch (scripts/setup.sh installs it)")
pytest.importorskip("PIL", reason="PIL is not installed in .venv-torch (scripts/setup.sh installs it)")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from lfe_torch.realface import SPLITS, RealFaceError, load_config, load_real_faces, parse_attributes  # noqa: E402


def make_folder(tmp: Path, n: int = 10, side: int = 32) -> dict:
    (tmp / "img").mkdir()
    lines = [str(n), "Eyeglasses Smiling"]
    for i in range(1, n + 1):
        a = np.zeros((side, side, 3), np.uint8)
        a[:, : side // 2, 0] = 255
        a[:, side // 2 :, 2] = 255
        Image.fromarray(a).save(tmp / "img" / f"{i}.jpg", quality=95)
        lines.append(f"{i}.jpg {1 if i % 2 else -1} -1")
    (tmp / "attrs.txt").write_text("\n".join(lines) + "\n")
    cfg = load_config()
    cfg.update(images="img", attributes="attrs.txt", resolution=16, split={"train": [1, 6], "validation": [7, 8], "test": [9, 10]})
    return cfg


def test_reads_splits_resizes(tmp_path: Path) -> None:
    cfg = make_folder(tmp_path)
    faces = load_real_faces(str(tmp_path), cfg, use_cache=False, log=lambda _: None)
    assert faces.images.shape == (10, 16, 16, 3)
    assert [len(faces.split(s, cfg)) for s in SPLITS] == [6, 2, 2]
    assert faces.labels[0].tolist() == [1, -1]
    assert faces.images[0, 0, 0, 0] > 240 and faces.images[0, 0, 15, 2] > 240


def test_errors_name_the_file(tmp_path: Path) -> None:
    cfg = make_folder(tmp_path)
    with pytest.raises(RealFaceError, match="data folder not found: .*nope"):
        load_real_faces(str(tmp_path / "nope"), cfg, use_cache=False)
    (tmp_path / "img" / "4.jpg").write_bytes(b"garbage")
    with pytest.raises(RealFaceError, match=r"cannot decode image .*4\.jpg"):
        load_real_faces(str(tmp_path), cfg, use_cache=False, log=lambda _: None)
    (tmp_path / "img" / "4.jpg").unlink()
    with pytest.raises(RealFaceError, match=r"missing: .*4\.jpg"):
        load_real_faces(str(tmp_path), cfg, use_cache=False, log=lambda _: None)
    (tmp_path / "bad.txt").write_text("2\nA B\n1.jpg 1 -1\n2.jpg 1\n")
    with pytest.raises(RealFaceError, match=r"bad.txt:4: 1 values for 2 attributes"):
        parse_attributes(tmp_path / "bad.txt")


def test_shared_data() -> None:
    # Fails, naming the path, when ../shared/realface is missing.
    cfg = load_config()
    faces = load_real_faces(None, cfg)
    assert faces.images.shape == (30000, 64, 64, 3)
    assert [len(faces.split(s, cfg)) for s in SPLITS] == [27000, 1500, 1500]
    assert int((faces.labels[:, faces.names.index("Eyeglasses")] > 0).sum()) == 1468
