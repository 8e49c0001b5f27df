import pytest

pytest.importorskip("numpy", reason="numpy is not installed in .venv-torch (scripts/setup.sh installs it)")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from lfe_torch.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402


def test_round_trip_and_corruption(tmp_path: Path) -> None:
    t = {"a/w": np.arange(6, dtype=np.float32).reshape(2, 3) / 7, "b": np.array([1.5, -2.0, 3.25], np.float32)}
    prov = {"command": "test", "date": "2026-12-07"}
    for dtype, tol in (("float32", 0.0), ("float16", 1e-3)):
        save_checkpoint(tmp_path / dtype, "k", {"x": 1}, t, prov, dtype=dtype)
        m, back = load_checkpoint(tmp_path / dtype, kind="k")
        assert m["architecture"]["config"] == {"x": 1}
        for name, a in t.items():
            np.testing.assert_allclose(back[name], a, atol=tol)
    w = tmp_path / "float32" / "weights.bin"
    b = bytearray(w.read_bytes())
    b[3] ^= 1
    w.write_bytes(bytes(b))
    with pytest.raises(ValueError, match="sha256"):
        load_checkpoint(tmp_path / "float32")
    with pytest.raises(ValueError, match="kind"):
        load_checkpoint(tmp_path / "float16", kind="other")
    with pytest.raises(ValueError, match="non-finite"):
        save_checkpoint(tmp_path / "nan", "k", {}, {"x": np.array([np.nan], np.float32)}, prov)
