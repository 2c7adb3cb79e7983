"""Stage ``prepare_data``: Visual Wake Words labels and arrays from COCO-format data.

Reads the generated scenes (``raw``, ``data.source: synthetic``) or COCO 2014 at
``data.coco_root`` (``data.source: coco``), labels every image with the ``data.variant`` rule,
splits train/val, and writes ``labels.csv`` and ``images_<res>.npy`` into ``out`` and the
counts (per split and class, skipped images and why) into ``reports``. Images are decoded on
the executor; the output does not depend on where.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hytnas.config import Params
from hytnas.data.prepare import prepare_vww
from hytnas.io import write_json
from hytnas.runs import Executor, make_executor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrepareDataPaths:
    """Where ``prepare_data`` reads and writes.

    Attributes:
        raw: the generated scenes (used with ``data.source: synthetic``).
        out: the prepared VWW folder.
        reports: the counts (flat metrics JSON), or ``None``.
    """

    raw: Path = Path("data/raw/synthetic")
    out: Path = Path("data/vww")
    reports: Path | None = Path("reports/data.json")


@dataclass
class PrepareDataRun:
    """What :func:`run` produced: the counts written to ``paths.reports``."""

    report: dict[str, Any]


def run(params: Params, paths: PrepareDataPaths = PrepareDataPaths(), *, executor: Executor | None = None) -> PrepareDataRun:
    """Run stage ``prepare_data`` (params: ``seed``, ``data``, ``executor``)."""
    start = time.perf_counter()
    own = executor is None
    executor = executor or make_executor(params.executor, threads=1, quiet=True)
    try:
        metrics = prepare_vww(params.data, raw=paths.raw, out=paths.out, seed=params.seed, executor=executor)
    finally:
        if own:
            executor.close()
    if paths.reports:
        write_json(paths.reports, metrics)
    log.info(
        "prepare_data: %d train + %d val images (%.1f%% positive, %d skipped) -> %s in %.1f s",
        metrics["train_images"], metrics["val_images"], 100 * metrics["positive_ratio"], metrics["skipped"], paths.out,
        time.perf_counter() - start,
    )
    return PrepareDataRun(metrics)


__all__ = ["PrepareDataPaths", "PrepareDataRun", "run"]
