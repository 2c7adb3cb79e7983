"""Stage ``synth_detect``: generated COCO-format scenes for the ``detect`` stage.

The generator of ``synth_data`` with the detection stage's own settings
(``detect.synthetic``): by default larger persons and fewer distractors than the VWW scenes,
since a detector trained from scratch on the laptop budget learns little on the VWW scenes'
small persons among person-like clutter (docs/2026-12-02-detection-recipe.md). Same layout
and train/val rule (global ``seed``, ``data.val_fraction``) as ``synth_data``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from hytnas.config import Params
from hytnas.data.synth import SceneMix, generate
from hytnas.pipeline.synth_data import SynthDataRun
from hytnas.runs import Executor, make_executor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SynthDetectPaths:
    """Where ``synth_detect`` writes: ``out``, the dataset folder (replaced)."""

    out: Path = Path("data/raw/synthetic-detect")


def run(params: Params, paths: SynthDetectPaths = SynthDetectPaths(), *, executor: Executor | None = None) -> SynthDataRun:
    """Run stage ``synth_detect`` (params: ``seed``, ``detect.synthetic``, ``data.val_fraction``,
    ``executor``)."""
    cfg = params.detect.synthetic
    start = time.perf_counter()
    own = executor is None
    executor = executor or make_executor(params.executor, threads=1, quiet=True)
    try:
        summary = generate(
            paths.out, images=cfg.images, size=cfg.image_size, seed=cfg.seed, val_fraction=params.data.val_fraction,
            split_seed=params.seed, executor=executor, person_height=cfg.person_height,
            mix=SceneMix(max_distractors=cfg.max_distractors, occluder_rate=cfg.occluder_rate),
        )
    finally:
        if own:
            executor.close()
    log.info(
        "synth_detect: %d scenes of %d px (%d train, %d val) -> %s in %.1f s",
        summary.images, cfg.image_size, summary.train_images, summary.val_images, paths.out, time.perf_counter() - start,
    )
    return SynthDataRun(asdict(summary))


__all__ = ["SynthDetectPaths", "run"]
