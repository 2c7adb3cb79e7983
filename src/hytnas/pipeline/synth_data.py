"""Stage ``synth_data``: generated COCO-format scenes, the offline default input of ``prepare_data``.

Writes ``images/*.jpg`` and ``annotations/instances_{train,val}.json``; the train/val rule
(global ``seed``, ``data.val_fraction``) is the one ``prepare_data`` applies, so the
detection split and the VWW split agree. Scenes are rendered on the executor
(``executor``); the output does not depend on where.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hytnas.config import Params
from hytnas.data.synth import generate
from hytnas.runs import Executor, make_executor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SynthDataPaths:
    """Where ``synth_data`` writes: ``out``, the dataset folder (replaced)."""

    out: Path = Path("data/raw/synthetic")


@dataclass
class SynthDataRun:
    """What :func:`run` produced: the counts of the dataset written."""

    report: dict[str, Any]


def run(params: Params, paths: SynthDataPaths = SynthDataPaths(), *, executor: Executor | None = None) -> SynthDataRun:
    """Run stage ``synth_data`` (params: ``seed``, ``data.synthetic``, ``data.val_fraction``,
    ``executor``)."""
    cfg = params.data
    start = time.perf_counter()
    own = executor is None
    executor = executor or make_executor(params.executor, threads=1, quiet=True)
    try:
        summary = generate(
            paths.out,
            images=cfg.synthetic.images,
            size=cfg.synthetic.image_size,
            seed=cfg.synthetic.seed,
            val_fraction=cfg.val_fraction,
            split_seed=params.seed,
            executor=executor,
            person_height=cfg.synthetic.person_height,
        )
    finally:
        if own:
            executor.close()
    log.info(
        "synth_data: %d scenes of %d px (%d train, %d val) -> %s in %.1f s",
        summary.images, cfg.synthetic.image_size, summary.train_images, summary.val_images, paths.out,
        time.perf_counter() - start,
    )
    return SynthDataRun(asdict(summary))


__all__ = ["SynthDataPaths", "SynthDataRun", "run"]
