"""Real-face data set: a folder of face images plus a CelebA-format attribute file.

The same format, split and cache layout as the TypeScript loader (`libs/realface`, `@lfe/realface`),
both configured by `training/realface/dataset.json`:

- attribute file: line 1 the image count, line 2 the attribute names, then `N.jpg v1 … vK` with
  values 1 / -1;
- split by image number (train / validation / test ranges in the config);
- decoded cache: `<cache>/<key>/images.u8` (N×R×R×3 uint8, rows in attribute-file order),
  `labels.i8` (N×K, ±1) and `index.json`; the key is a hash of the image folder, the attribute file's
  bytes and the resolution, so a changed data set never reads a stale cache (the TypeScript key also
  names its decoder, so the two engines keep separate caches of slightly different JPEG decodes).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[3]
DATASET_CONFIG = REPO_ROOT / "training" / "realface" / "dataset.json"
SPLITS = ("train", "validation", "test")


class RealFaceError(Exception):
    """Bad or missing real-face data; the message names the file."""


@dataclass
class AttributeFile:
    names: list[str]
    files: list[str]
    labels: np.ndarray  # [N, K] int8, ±1


def load_config(path: Path = DATASET_CONFIG) -> dict:
    with open(path, encoding="utf8") as f:
        return json.load(f)


def image_number(file: str) -> int:
    stem = file.rsplit(".", 1)[0]
    if not stem.isdigit():
        raise RealFaceError(f"image name {file!r} is not a number (the split is by image number)")
    return int(stem)


def parse_attributes(path: Path) -> AttributeFile:
    if not path.is_file():
        raise RealFaceError(f"attribute file not found: {path}")
    lines = path.read_text(encoding="utf8").splitlines()
    if len(lines) < 2:
        raise RealFaceError(f"{path}: needs a count line and a names line")
    try:
        count = int(lines[0].strip())
    except ValueError:
        raise RealFaceError(f"{path}:1: first line must be the image count, got {lines[0][:40]!r}") from None
    names = lines[1].split()
    if not names:
        raise RealFaceError(f"{path}:2: no attribute names")
    rows = [ln for ln in lines[2:] if ln.strip()]
    if len(rows) != count:
        raise RealFaceError(f"{path}: line 1 says {count} images, the file lists {len(rows)}")
    files: list[str] = []
    labels = np.empty((count, len(names)), dtype=np.int8)
    for i, ln in enumerate(rows):
        parts = ln.split()
        if len(parts) != len(names) + 1:
            raise RealFaceError(f"{path}:{i + 3}: {len(parts) - 1} values for {len(names)} attributes")
        try:
            vals = [int(v) for v in parts[1:]]
        except ValueError:
            raise RealFaceError(f"{path}:{i + 3}: values must be 1 or -1") from None
        if any(v not in (1, -1) for v in vals):
            raise RealFaceError(f"{path}:{i + 3}: values must be 1 or -1")
        image_number(parts[0])
        files.append(parts[0])
        labels[i] = vals
    return AttributeFile(names, files, labels)


def resolve_data(data: str | None, cfg: dict) -> Path:
    d = Path(data) if data else (REPO_ROOT / cfg["data"])
    d = d.resolve()
    if not d.is_dir():
        raise RealFaceError(f"real-face data folder not found: {d} (pass --data DIR; see training/realface/dataset.json)")
    return d


def cache_key(images_dir: Path, attr_path: Path, resolution: int) -> str:
    h = hashlib.sha256()
    h.update(str(images_dir).encode())
    h.update(attr_path.read_bytes())
    h.update(str(resolution).encode())
    return h.hexdigest()[:16]


def decode_image(path: Path, resolution: int) -> np.ndarray:
    from PIL import Image

    if not path.is_file():
        raise RealFaceError(f"image listed in the attribute file is missing: {path}")
    try:
        with Image.open(path) as f:
            im = f.convert("RGB")
        if im.size != (resolution, resolution):
            if im.size[0] != im.size[1]:
                raise RealFaceError(f"{path}: image is {im.size[0]}×{im.size[1]}, faces must be square crops")
            im = im.resize((resolution, resolution), Image.Resampling.BOX)
        return np.asarray(im, dtype=np.uint8)
    except RealFaceError:
        raise
    except Exception as e:  # PIL raises many types for corrupt files
        raise RealFaceError(f"cannot decode image {path}: {e}") from None


@dataclass
class RealFaces:
    """All faces of the attribute file, decoded: images [N,R,R,3] uint8, labels [N,K] ±1."""

    names: list[str]
    numbers: np.ndarray
    images: np.ndarray
    labels: np.ndarray

    def split(self, name: str, cfg: dict) -> np.ndarray:
        """Row indices of a split (by image number)."""
        if name not in SPLITS:
            raise RealFaceError(f"unknown split {name!r} (want one of {', '.join(SPLITS)})")
        lo, hi = cfg["split"][name]
        return np.nonzero((self.numbers >= lo) & (self.numbers <= hi))[0]


def load_real_faces(data: str | None = None, cfg: dict | None = None, use_cache: bool = True, log=print) -> RealFaces:
    cfg = cfg or load_config()
    root = resolve_data(data, cfg)
    images_dir = root / cfg["images"]
    attr_path = root / cfg["attributes"]
    if not images_dir.is_dir():
        raise RealFaceError(f"image folder not found: {images_dir}")
    attrs = parse_attributes(attr_path)
    r = int(cfg["resolution"])
    numbers = np.array([image_number(f) for f in attrs.files], dtype=np.int64)
    cache_dir = REPO_ROOT / cfg["cache"] / cache_key(images_dir, attr_path, r)
    if use_cache and (cache_dir / "index.json").is_file():
        idx = json.loads((cache_dir / "index.json").read_text())
        if idx.get("files") == attrs.files and idx.get("resolution") == r:
            images = np.fromfile(cache_dir / "images.u8", dtype=np.uint8).reshape(len(attrs.files), r, r, 3)
            return RealFaces(attrs.names, numbers, images, attrs.labels)
    log(f"realface: decoding {len(attrs.files)} images from {images_dir} …")
    images = np.empty((len(attrs.files), r, r, 3), dtype=np.uint8)
    for i, f in enumerate(attrs.files):
        images[i] = decode_image(images_dir / f, r)
    if use_cache:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / f".images.u8.{os.getpid()}"
        images.tofile(tmp)
        os.replace(tmp, cache_dir / "images.u8")
        attrs.labels.tofile(cache_dir / "labels.i8")
        (cache_dir / "index.json").write_text(
            json.dumps({"files": attrs.files, "names": attrs.names, "resolution": r, "source": str(images_dir)})
        )
    return RealFaces(attrs.names, numbers, images, attrs.labels)
