"""Predictors as a search oracle: genomes -> (accuracy error %, latency ms), both minimised."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from hytnas.predictors.predictor import Predictor, load_predictor
from hytnas.space import CategoricalSpace, get_space

OBJECTIVES = ("error_pct", "latency_ms")


@dataclass(frozen=True)
class PredictorOracle:
    """Picklable oracle description: the space and the two saved predictor folders.

    Calling it loads the predictors and returns ``(space, objective)`` where ``objective``
    maps ``n x d`` genomes to ``n x 2``: ``100 - predicted accuracy (%)`` and predicted
    latency (ms).
    """

    name: str
    space: str
    accuracy_dir: str
    latency_dir: str

    def load(self) -> tuple[CategoricalSpace, Predictor, Predictor]:
        space = get_space(self.space)
        accuracy = load_predictor(Path(self.accuracy_dir))
        latency = load_predictor(Path(self.latency_dir))
        accuracy.check_space(space)
        latency.check_space(space)
        return space, accuracy, latency

    def __call__(self) -> tuple[CategoricalSpace, Callable[[np.ndarray], np.ndarray]]:
        space, accuracy, latency = self.load()

        def objective(genomes: np.ndarray) -> np.ndarray:
            acc = accuracy.predict_genomes(space, genomes)
            lat = latency.predict_genomes(space, genomes)
            return np.column_stack([100.0 - acc, lat])

        return space, objective
