"""Training curves of the final networks through DVCLive, one folder per network and seed.

The workers return each run's per-epoch history with its result; the driver replays it into a
``dvclive.Live`` folder (``<root>/<label>_s<seed>/``) after the runs, so the curves exist for
networks taken from the results store too, and only the driver writes them. Metric names are
those :func:`hytnas.training.loop.train` logs (``train/loss``, ``train/acc``, ``val/loss``,
``val/acc``, ``lr``); steps are epochs - 1; no timestamps, so the files depend only on the
results.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Sequence

from hytnas.final.summary import NetworkResult

METRICS = (("train/loss", "train_loss"), ("train/acc", "train_acc"), ("val/loss", "val_loss"), ("val/acc", "val_acc"), ("lr", "lr"))


def live_folder(root: str | Path, label: str, seed: int) -> Path:
    """``<root>/<label>_s<seed>``."""
    return Path(root) / f"{label}_s{seed}"


def write_live_curves(root: str | Path, results: Sequence[NetworkResult]) -> list[Path]:
    """Rebuild ``root`` with one DVCLive folder per trained network and seed; returns them."""
    from hytnas.training.loop import open_live

    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    written = []
    for result in results:
        for seed, record in enumerate(result.train):
            history = record.result.get("history") if record.ok else None
            if not history:
                continue
            folder = live_folder(root, result.label, seed)
            live = open_live(str(folder))
            try:
                for epoch in history:
                    for name, key in METRICS:
                        value = epoch.get(key)
                        if value is not None:
                            live.log_metric(name, float(value), timestamp=False)
                    live.next_step()
            finally:
                live.end()
            written.append(folder)
    return written
