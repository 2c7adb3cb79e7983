"""A search problem: a categorical space plus an objective vector to minimise.

Genomes are rows of choice indices; a batch is an ``n x d`` integer array. The objective
maps an ``n x d`` batch to an ``n x m`` float array, every column minimised (an accuracy
enters as an error, ``1 - accuracy``). Any ``m >= 2`` works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from hytnas.archspec import ArchSpec
from hytnas.errors import ConfigError, SpaceError
from hytnas.space.base import CategoricalSpace, Dimension

Objective = Callable[[np.ndarray], np.ndarray]
"""``n x d`` int genomes -> ``n x m`` float objective values (minimised)."""


class GridSpace(CategoricalSpace):
    """Integer grid ``{0..k_0-1} x ... x {0..k_{d-1}-1}`` as a space (no architecture).

    Lets a problem be defined by cardinalities alone (synthetic benchmarks, tests); the
    arch_id of genome ``(3, 0, 2)`` is ``v3-v0-v2``.
    """

    name = "grid"
    description = "integer grid (synthetic problems)"

    def __init__(self, cardinalities: Sequence[int]) -> None:
        cards = [int(k) for k in cardinalities]
        if not cards or min(cards) < 1:
            raise ConfigError(f"grid cardinalities must be >= 1, got {list(cardinalities)}")
        super().__init__([Dimension(f"x{j}", tuple(float(i) for i in range(k)), "v") for j, k in enumerate(cards)])

    def to_spec(self, genome: Sequence[int]) -> ArchSpec:
        raise SpaceError("a grid space describes no architecture")


@dataclass(frozen=True)
class Problem:
    """What a strategy searches: genomes of ``space``, scored by ``objective``.

    Attributes:
        space: the categorical space (its ``cardinalities`` bound each genome column).
        objective: ``n x d`` int array -> ``n x m`` float array, all minimised.
        n_obj: ``m``, the number of objectives (>= 2).
        names: one name per objective, e.g. ``("error", "latency_ms")``.
    """

    space: CategoricalSpace
    objective: Objective
    n_obj: int = 2
    names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if int(self.n_obj) < 2:
            raise ConfigError(f"a search problem needs at least 2 objectives, got n_obj={self.n_obj}")
        names = tuple(self.names) or tuple(f"f{j}" for j in range(self.n_obj))
        if len(names) != self.n_obj:
            raise ConfigError(f"problem has {self.n_obj} objectives but {len(names)} names: {list(names)}")
        object.__setattr__(self, "names", names)

    @classmethod
    def from_cardinalities(
        cls, cardinalities: Sequence[int], objective: Objective, n_obj: int = 2, names: Sequence[str] = ()
    ) -> "Problem":
        """A problem over the integer grid with the given number of choices per column."""
        return cls(GridSpace(cardinalities), objective, n_obj, tuple(names))

    @property
    def cardinalities(self) -> np.ndarray:
        """Choices per dimension, shape ``(d,)``."""
        return self.space.cardinalities

    @property
    def n_var(self) -> int:
        """``d``, the genome length."""
        return self.space.n_dims

    def size(self) -> int:
        """Number of distinct genomes."""
        return self.space.size()

    def check_genomes(self, X: np.ndarray) -> np.ndarray:
        """``X`` as an ``n x d`` int64 array inside the grid, or :class:`ConfigError`."""
        arr = np.asarray(X)
        if arr.ndim != 2 or arr.shape[1] != self.n_var:
            raise ConfigError(f"genomes must be an n x {self.n_var} array, got shape {arr.shape}")
        out = np.rint(arr).astype(np.int64)
        if out.size and (out.min() < 0 or np.any(out > self.cardinalities - 1)):
            raise ConfigError("genome index outside 0..k-1 for some dimension")
        return out

    def evaluate(self, X: np.ndarray) -> np.ndarray:
        """Objective values of a batch: ``n x d`` int -> ``n x m`` float64 (checked finite)."""
        genomes = self.check_genomes(X)
        if len(genomes) == 0:
            return np.empty((0, self.n_obj))
        F = np.asarray(self.objective(genomes), dtype=np.float64)
        if F.shape != (len(genomes), self.n_obj):
            raise ConfigError(
                f"objective returned shape {F.shape} for {len(genomes)} genomes, expected "
                f"({len(genomes)}, {self.n_obj})"
            )
        if not np.all(np.isfinite(F)):
            raise ConfigError("objective returned non-finite values (NaN or inf)")
        return F
