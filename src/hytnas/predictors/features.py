"""Predictor inputs: a space's encoding, optionally with analytic per-stage costs.

Feature sets (``FEATURE_SETS``):

- ``encoding``: the space's own numbers for a genome: for ``released`` the authors' 23-number
  row (:meth:`ReleasedSpace.to_row`, feed-forward as widths), for every other space the choice
  values of its dimensions (``space.values_array``).
- ``costs``: ``encoding`` plus the analytic costs of the decoded network
  (:func:`hytnas.predictors.costs.compute_costs`): 10 whole-network kernel-kind totals
  (``op_*``) and 8 quantities per stage (``<stage>_<field>``: MACs, parameters, activation
  sizes, token count, patch pixels, attention MACs) at the given input resolution.

- ``builder``: ``encoding``, the ``op_*`` totals, and the builder's own per-stage features
  (:func:`hytnas.cost.stage_features`: params, MACs, output activation, tokens, sequence
  length, attention MACs and output size per stage). It imports torch and costs about 0.4 ms
  per network, so predictors keep a per-genome cache for it.

``encoding`` and ``costs`` are computed for a batch at once (``n x k`` float arrays), cheaply
enough for the search stage's batches of thousands of genomes (about 20 us per genome).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from hytnas.archspec import ArchSpec
from hytnas.errors import DataError
from hytnas.predictors.costs import OP_KINDS, STAGE_FIELDS, compute_costs
from hytnas.space import CategoricalSpace, ReleasedSpace
from hytnas.space.released import COLUMN_NAMES

FEATURE_SETS = ("encoding", "costs", "builder")


def encoding_names(space: CategoricalSpace) -> list[str]:
    """Names of the columns of :func:`space_encoding`."""
    if isinstance(space, ReleasedSpace):
        return list(COLUMN_NAMES)
    return list(space.dim_names)


def space_encoding(space: CategoricalSpace, genomes: np.ndarray) -> np.ndarray:
    """The space's numbers of ``n x d`` genomes: ``n x e`` floats (see module docstring)."""
    genomes = np.asarray(genomes, dtype=np.int64)
    if genomes.ndim != 2 or genomes.shape[1] != space.n_dims:
        raise DataError(f"genomes of space {space.name} must be n x {space.n_dims}, got shape {genomes.shape}")
    if isinstance(space, ReleasedSpace):
        return np.array([space.to_row(g, ffn="width") for g in genomes], dtype=np.float64).reshape(-1, 23)
    return space.values_array(genomes)


def cost_names(specs_or_example: ArchSpec) -> list[str]:
    """Names of the cost columns for networks with ``example``'s layout."""
    stages = ["stem"] + [f"stage{i + 1}" for i in range(len(specs_or_example.stages))] + ["head"]
    return [f"op_{k}" for k in OP_KINDS] + [f"{s}_{f}" for s in stages for f in STAGE_FIELDS]


def cost_features(specs: Sequence[ArchSpec], resolution: int) -> np.ndarray:
    """``n x c`` cost features of ``n`` networks (order of :func:`cost_names`)."""
    table = compute_costs(specs, resolution)
    n = len(specs)
    return np.concatenate([table.ops, table.stages.reshape(n, -1)], axis=1)


def builder_names(example: ArchSpec, resolution: int) -> list[str]:
    """Names of the :func:`builder_features` columns for networks with ``example``'s layout."""
    from hytnas.cost import stage_features

    return [f"op_{k}" for k in OP_KINDS] + [f"nn_{k}" for k in stage_features(example, resolution)]


def builder_features(specs: Sequence[ArchSpec], resolution: int) -> np.ndarray:
    """``n x b`` features: ``op_*`` totals and :func:`hytnas.cost.stage_features`."""
    from hytnas.cost import stage_features

    ops = compute_costs(specs, resolution).ops
    stages = np.array([list(stage_features(s, resolution).values()) for s in specs], dtype=np.float64)
    return np.concatenate([ops, stages.reshape(len(specs), -1)], axis=1)


@dataclass(frozen=True)
class FeatureSet:
    """How a predictor turns architectures into an ``n x k`` feature matrix.

    Attributes:
        space: name of the space whose encoding the features start with.
        kind: one of ``FEATURE_SETS``.
        resolution: input side in pixels for the cost features.
    """

    space: str
    kind: str = "costs"
    resolution: int = 224

    def __post_init__(self) -> None:
        if self.kind not in FEATURE_SETS:
            raise DataError(f"feature set {self.kind!r} unknown; expected one of {', '.join(FEATURE_SETS)}")

    def names(self, space: CategoricalSpace) -> list[str]:
        """Column names, ``k`` of them."""
        names = encoding_names(space)
        example = space.to_spec(tuple(0 for _ in range(space.n_dims)))
        if self.kind == "costs":
            names += cost_names(example)
        elif self.kind == "builder":
            names += builder_names(example, self.resolution)
        return names

    def from_parts(self, encoding: np.ndarray, specs: Sequence[ArchSpec]) -> np.ndarray:
        """Features from an ``n x e`` encoding and the ``n`` decoded networks: ``n x k``."""
        encoding = np.asarray(encoding, dtype=np.float64)
        if len(specs) != len(encoding):
            raise DataError(f"{len(encoding)} encodings but {len(specs)} networks")
        if self.kind == "encoding":
            return encoding
        extra = builder_features if self.kind == "builder" else cost_features
        return np.concatenate([encoding, extra(specs, self.resolution)], axis=1)

    def from_genomes(
        self, space: CategoricalSpace, genomes: np.ndarray, cache: dict[bytes, np.ndarray] | None = None
    ) -> np.ndarray:
        """Features of ``n x d`` genomes of ``space``: ``n x k``.

        ``cache`` (genome bytes -> feature row), when given, is read and filled: rows seen
        before are not recomputed.
        """
        genomes = np.asarray(genomes, dtype=np.int64)
        if cache is None:
            return self._compute(space, genomes)
        keys = [g.tobytes() for g in genomes]
        todo = [i for i, key in enumerate(keys) if key not in cache]
        if todo:
            fresh = self._compute(space, genomes[todo])
            for i, row in zip(todo, fresh):
                cache[keys[i]] = row
        return np.stack([cache[key] for key in keys])

    def _compute(self, space: CategoricalSpace, genomes: np.ndarray) -> np.ndarray:
        encoding = space_encoding(space, genomes)
        if self.kind == "encoding":
            return encoding
        return self.from_parts(encoding, [space.to_spec(g) for g in genomes])
