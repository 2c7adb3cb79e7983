"""Prepared VWW arrays: every labelled image decoded once and resized to each resolution.

Output folder (the ``prepare_data`` stage's ``data/vww/``)::

    labels.csv          image_id, file, split (train|val), label (0|1), person_area_fraction
    images_<res>.npy    uint8, N x res x res x 3 (RGB), rows in labels.csv order
    skipped.csv         file, reason, detail: images listed but not decodable

Images are squashed to ``res x res`` (the whole frame is kept, so no person is cropped away
from a positive image; MLPerf Tiny's VWW resizes the same way) with PIL's antialiasing
bilinear filter; JPEGs are decoded at a reduced DCT scale first (``Image.draft``), which is
what makes real COCO quick to prepare. An image that is missing, unreadable or truncated is
skipped, counted and named in the log; the rest are prepared.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd
from PIL import Image
from tqdm import tqdm

from hytnas.config import DataConfig
from hytnas.data.coco import CocoSource, coco2014_sources, synthetic_sources
from hytnas.data.vww import VWWRule, build_vww, read_id_list, summarise
from hytnas.errors import DataError
from hytnas.io import atomic_open, write_csv
from hytnas.runs.executor import Executor, InlineExecutor, iter_values

log = logging.getLogger(__name__)

_CHUNK = 64
_POOL_MIN_IMAGES = 1500  # below this a process pool costs more than it saves


def array_name(resolution: int) -> str:
    return f"images_{resolution}.npy"


def decode(path: str | Path, resolutions: Sequence[int]) -> list[np.ndarray]:
    """One image as ``res x res x 3`` uint8 RGB arrays, one per resolution.

    Raises OSError (missing, unreadable, truncated), or another exception PIL raises on
    malformed data.
    """
    with Image.open(path) as image:
        largest = max(resolutions)
        image.draft("RGB", (largest, largest))
        rgb = image.convert("RGB")
    return [np.asarray(rgb.resize((r, r), Image.Resampling.BILINEAR), dtype=np.uint8) for r in resolutions]


@dataclass(frozen=True)
class _Decoded:
    ok: list[bool]
    arrays: list[np.ndarray]  # per resolution: k x r x r x 3 for the k readable images
    failures: list[tuple[int, str, str]]  # (position in chunk, reason, detail)


def _decode_chunk(args: tuple[list[str], tuple[int, ...]]) -> _Decoded:
    paths, resolutions = args
    ok: list[bool] = []
    rows: list[list[np.ndarray]] = [[] for _ in resolutions]
    failures = []
    for i, path in enumerate(paths):
        try:
            arrays = decode(path, resolutions)
        except FileNotFoundError:
            ok.append(False)
            failures.append((i, "missing", "file not found"))
            continue
        except Exception as err:  # noqa: BLE001 - PIL raises many types on bad data
            ok.append(False)
            failures.append((i, "unreadable", f"{type(err).__name__}: {err}".strip()))
            continue
        ok.append(True)
        for store, array in zip(rows, arrays):
            store.append(array)
    stacked = [np.stack(r) if r else np.zeros((0, res, res, 3), np.uint8) for r, res in zip(rows, resolutions)]
    return _Decoded(ok, stacked, failures)


def _chunked(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def write_arrays(
    paths: Sequence[str | Path], resolutions: Sequence[int], out: str | Path, *, executor: Executor | None = None
) -> tuple[np.ndarray, list[tuple[int, str, str]]]:
    """Decode ``paths`` and write ``out/images_<res>.npy`` for each resolution.

    Rows are streamed to a scratch file as chunks arrive (in input order), then each array
    file is written under a temporary name and renamed into place. Chunks are decoded on
    ``executor`` when there are enough images to make it worth it (else in this process).

    Returns:
        ``n`` booleans (which paths were written, in order) and the failures as
        ``(index, reason, detail)``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    resolutions = tuple(resolutions)
    names = [str(p) for p in paths]
    jobs = [(chunk, resolutions) for chunk in _chunked(names, _CHUNK)]
    scratch = Path(tempfile.mkdtemp(prefix=".arrays.", dir=out))
    try:
        raws = [open(scratch / f"{r}.raw", "wb") for r in resolutions]
        ok: list[bool] = []
        failures: list[tuple[int, str, str]] = []
        bar = tqdm(total=len(names), desc="prepare", unit="img", disable=None)
        for offset, decoded in zip(range(0, len(names), _CHUNK), iter_values(_executor_for(executor, len(names)), _decode_chunk, jobs)):
            ok.extend(decoded.ok)
            failures.extend((offset + i, reason, detail) for i, reason, detail in decoded.failures)
            for raw, array in zip(raws, decoded.arrays):
                raw.write(array.tobytes())
            bar.update(len(decoded.ok))
        bar.close()
        for raw in raws:
            raw.close()
        count = int(sum(ok))
        for r in resolutions:
            header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.uint8)), "fortran_order": False, "shape": (count, r, r, 3)}
            with atomic_open(out / array_name(r), "wb") as handle, open(scratch / f"{r}.raw", "rb") as raw:
                np.lib.format.write_array_header_1_0(handle, header)
                shutil.copyfileobj(raw, handle, length=16 << 20)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return np.asarray(ok, dtype=bool), failures


def _executor_for(executor: Executor | None, images: int) -> Executor:
    """``executor`` for large jobs; this process below :data:`_POOL_MIN_IMAGES` images."""
    return executor if executor is not None and images >= _POOL_MIN_IMAGES else InlineExecutor()


def resolutions_of(cfg: DataConfig) -> list[int]:
    """``data.resolution`` and ``data.extra_resolutions``, sorted, without repeats."""
    return sorted({cfg.resolution, *cfg.extra_resolutions})


def sources_of(cfg: DataConfig, raw: str | Path) -> list[CocoSource]:
    """The COCO sources the config points at: COCO 2014 at ``coco_root`` or generated scenes in ``raw``."""
    if cfg.source == "coco":
        if not cfg.coco_root:
            raise DataError("data.coco_root is not set; with data.source: coco it must name a COCO 2014 folder")
        return coco2014_sources(cfg.coco_root)
    return synthetic_sources(raw)


def prepare_vww(
    cfg: DataConfig,
    *,
    raw: str | Path,
    out: str | Path,
    seed: int = 0,
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Labels, split and arrays of VWW from the configured source; returns flat metrics.

    Args:
        cfg: the ``data`` section of ``params.yaml``.
        raw: folder of the generated scenes (used when ``cfg.source == "synthetic"``).
        out: output folder (``labels.csv``, ``images_<res>.npy``, ``skipped.csv``).
        seed: seed of the train/val split when ``cfg.val_ids_file`` is not set.
        executor: where images are decoded (default: this process; the output does not
            depend on it).
    """
    out = Path(out)
    rule = VWWRule.of(cfg.variant, cfg.threshold, cfg.area_source)
    sources = sources_of(cfg, raw)
    val_ids = read_id_list(cfg.val_ids_file) if cfg.val_ids_file else None
    table, stats = build_vww(sources, rule, val_ids=val_ids, val_fraction=cfg.val_fraction, seed=seed)
    counts = table["split"].value_counts()
    if not counts.get("train", 0) or not counts.get("val", 0):
        raise DataError(
            f"prepare_data: the split leaves {counts.get('train', 0)} train and {counts.get('val', 0)} val images "
            f"of {len(table)}; check data.val_ids_file or data.val_fraction"
        )
    root = sources[0].root
    resolutions = resolutions_of(cfg)
    written, failures = write_arrays([root / f for f in table["file"]], resolutions, out, executor=executor)
    for index, reason, detail in failures:
        log.warning("prepare_data: skipped %s: %s (%s)", root / table["file"].iloc[index], reason, detail)
    skipped = pd.DataFrame(
        [(table["file"].iloc[i], reason, detail) for i, reason, detail in failures], columns=["file", "reason", "detail"]
    )
    kept = table[written].reset_index(drop=True)
    for stale in out.glob("images_*.npy"):
        if stale.name not in {array_name(r) for r in resolutions}:
            stale.unlink()
    write_csv(out / "skipped.csv", skipped)
    write_csv(out / "labels.csv", kept)

    metrics: dict[str, Any] = summarise(kept)
    metrics["images_listed"] = stats.images_listed
    metrics["skipped"] = stats.dropped_small_persons + len(failures)
    metrics["skipped_missing"] = int((skipped["reason"] == "missing").sum())
    metrics["skipped_unreadable"] = int((skipped["reason"] == "unreadable").sum())
    metrics["skipped_small_persons"] = stats.dropped_small_persons
    metrics["persons_below_threshold"] = stats.persons_below_threshold
    metrics["near_threshold"] = stats.near_threshold
    metrics["threshold"] = rule.threshold
    if val_ids is not None:
        metrics["val_ids_unmatched"] = len(val_ids - set(table["image_id"].tolist()))
    metrics["resolution"] = cfg.resolution
    return metrics
