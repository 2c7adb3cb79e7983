"""A search space of named categorical dimensions.

A *genome* is a tuple of choice indices, one per dimension; a batch of genomes is an
``n x d`` integer array. Every space can encode values to indices and back, validate,
sample (uniform or Latin hypercube), count its size exactly, print a canonical ``arch_id``
that parses back to the same genome, and turn a genome into an :class:`ArchSpec`.

``arch_id`` format: stages separated by ``-``; inside a stage, each dimension is written as
its one-letter code followed by its value, e.g. ``b2e4c16-b3e2c24-e2m1.5h2f2-...``.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from hytnas.archspec import ArchSpec
from hytnas.errors import SpaceError

Genome = tuple[int, ...]
Seed = int | Sequence[int]
_TOKEN = re.compile(r"([a-z]+)(-?[0-9]+(?:\.[0-9]+)?)")


def format_value(value: float) -> str:
    """Shortest exact text of a choice value: ``2`` for 2.0, ``1.5`` for 1.5."""
    as_float = float(value)
    return str(int(as_float)) if as_float.is_integer() else repr(as_float)


@dataclass(frozen=True)
class Dimension:
    """One categorical decision.

    Attributes:
        name: ``"<stage>.<field>"``, e.g. ``"att1.heads"``; the stage groups the arch_id.
        choices: allowed values, in index order.
        code: letters written before the value in the arch_id, unique within the stage.
    """

    name: str
    choices: tuple[float, ...]
    code: str

    @property
    def stage(self) -> str:
        return self.name.split(".", 1)[0]

    def index_of(self, value: float) -> int:
        """Index of ``value`` among the choices; :class:`SpaceError` if it is not one."""
        for i, choice in enumerate(self.choices):
            if math.isclose(float(choice), float(value), rel_tol=0, abs_tol=1e-9):
                return i
        allowed = ", ".join(format_value(c) for c in self.choices)
        raise SpaceError(f"{self.name} = {format_value(value)} is not allowed; expected one of {allowed}")


class CategoricalSpace(ABC):
    """Product of categorical dimensions, with a space-specific genome -> ArchSpec map."""

    name: str = ""
    description: str = ""

    def __init__(self, dims: Sequence[Dimension]):
        self.dims: tuple[Dimension, ...] = tuple(dims)
        names = [d.name for d in self.dims]
        if len(set(names)) != len(names):
            raise ValueError(f"space {self.name}: duplicate dimension names")
        self._stages: list[str] = list(dict.fromkeys(d.stage for d in self.dims))
        for stage in self._stages:
            codes = [d.code for d in self.dims if d.stage == stage]
            if len(set(codes)) != len(codes):
                raise ValueError(f"space {self.name}: duplicate codes in stage {stage}")

    # --- shape ---------------------------------------------------------------------------
    @property
    def n_dims(self) -> int:
        return len(self.dims)

    @property
    def cardinalities(self) -> np.ndarray:
        """Number of choices per dimension, shape ``(d,)``."""
        return np.array([len(d.choices) for d in self.dims], dtype=np.int64)

    @property
    def dim_names(self) -> list[str]:
        return [d.name for d in self.dims]

    def size(self) -> int:
        """Exact number of genomes (Python int, no overflow)."""
        return math.prod(len(d.choices) for d in self.dims)

    # --- values <-> indices ----------------------------------------------------------------
    def validate(self, genome: Sequence[int]) -> Genome:
        """Return ``genome`` as a tuple of ints, or raise :class:`SpaceError`."""
        if len(genome) != self.n_dims:
            raise SpaceError(f"space {self.name}: genome has {len(genome)} entries, expected {self.n_dims}")
        out = []
        for dim, idx in zip(self.dims, genome):
            i = int(idx)
            if i != idx or not 0 <= i < len(dim.choices):
                raise SpaceError(f"{dim.name}: index {idx} outside 0..{len(dim.choices) - 1}")
            out.append(i)
        return tuple(out)

    def values(self, genome: Sequence[int]) -> dict[str, float]:
        """Choice values by dimension name."""
        g = self.validate(genome)
        return {d.name: d.choices[i] for d, i in zip(self.dims, g)}

    def encode(self, values: Mapping[str, float]) -> Genome:
        """Genome from a full mapping of dimension name -> value."""
        missing = [d.name for d in self.dims if d.name not in values]
        if missing:
            raise SpaceError(f"space {self.name}: missing value(s) for {', '.join(missing)}")
        unknown = sorted(set(values) - set(self.dim_names))
        if unknown:
            raise SpaceError(f"space {self.name}: unknown dimension(s) {', '.join(unknown)}")
        return tuple(d.index_of(values[d.name]) for d in self.dims)

    def values_array(self, genomes: np.ndarray) -> np.ndarray:
        """Choice values of a batch, ``n x d`` float array from ``n x d`` indices."""
        genomes = np.asarray(genomes, dtype=np.int64)
        out = np.empty(genomes.shape, dtype=np.float64)
        for j, dim in enumerate(self.dims):
            out[:, j] = np.asarray(dim.choices, dtype=np.float64)[genomes[:, j]]
        return out

    # --- arch_id -------------------------------------------------------------------------
    def arch_id(self, genome: Sequence[int]) -> str:
        """Canonical string of a genome; :meth:`parse_arch_id` inverts it."""
        g = self.validate(genome)
        parts: dict[str, list[str]] = {s: [] for s in self._stages}
        for dim, i in zip(self.dims, g):
            parts[dim.stage].append(dim.code + format_value(dim.choices[i]))
        return "-".join("".join(tokens) for tokens in parts.values())

    def parse_arch_id(self, arch_id: str) -> Genome:
        """Genome of a canonical ``arch_id``; :class:`SpaceError` naming what is wrong."""
        text = str(arch_id).strip()
        chunks = text.split("-") if text else []
        if len(chunks) != len(self._stages):
            raise SpaceError(
                f"arch_id {arch_id!r}: {len(chunks)} stage(s), space {self.name} expects "
                f"{len(self._stages)} separated by '-' (e.g. {self.example_arch_id()})"
            )
        values: dict[str, float] = {}
        for stage, chunk in zip(self._stages, chunks):
            dims = [d for d in self.dims if d.stage == stage]
            tokens = _TOKEN.findall(chunk)
            if "".join(c + v for c, v in tokens) != chunk or [c for c, _ in tokens] != [d.code for d in dims]:
                expected = "".join(d.code + "<v>" for d in dims)
                raise SpaceError(f"arch_id {arch_id!r}: stage {stage} is {chunk!r}, expected {expected}")
            for dim, (_, value) in zip(dims, tokens):
                values[dim.name] = float(value)
        return self.encode(values)

    def example_arch_id(self) -> str:
        return self.arch_id(tuple(0 for _ in self.dims))

    # --- sampling ------------------------------------------------------------------------
    def sample_uniform(self, n: int, seed: Seed | np.random.Generator) -> np.ndarray:
        """``n x d`` independent uniform genomes (duplicates possible)."""
        rng = np.random.default_rng(seed)
        return np.stack([rng.integers(0, k, size=n) for k in self.cardinalities], axis=1).astype(np.int64)

    def sample_lhs(self, n: int, seed: Seed) -> np.ndarray:
        """``n x d`` genomes by Latin hypercube sampling (scipy's LHS, strata -> choices)."""
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=self.n_dims, rng=np.random.default_rng(seed)).random(n)
        idx = np.floor(unit * self.cardinalities).astype(np.int64)
        return np.minimum(idx, self.cardinalities - 1)

    def sample(self, n: int, seed: Seed, method: str = "uniform", unique: bool = True) -> np.ndarray:
        """``n x d`` genomes by ``method`` (``uniform`` or ``lhs``); distinct when ``unique``.

        ``seed`` is an int or a sequence of ints (e.g. ``(global_seed, stream)``).
        """
        if method not in ("uniform", "lhs"):
            raise SpaceError(f"sampler {method!r} unknown; expected uniform or lhs")
        if unique and n > self.size():
            raise SpaceError(f"cannot draw {n} distinct genomes from space {self.name} of size {self.size()}")
        draw = self.sample_lhs if method == "lhs" else self.sample_uniform
        out = draw(n, seed)
        if not unique:
            return out
        # Replace duplicates with uniform draws from a derived stream; keeps the first n distinct.
        entropy = [int(s) for s in (seed if isinstance(seed, Sequence) else (seed,))]
        rng = np.random.default_rng([*entropy, 1])
        seen: dict[Genome, None] = {}
        for row in out:
            seen.setdefault(tuple(int(x) for x in row), None)
        while len(seen) < n:
            for row in self.sample_uniform(n - len(seen), rng):
                seen.setdefault(tuple(int(x) for x in row), None)
        return np.array(list(seen)[:n], dtype=np.int64)

    # --- architecture ----------------------------------------------------------------------
    @abstractmethod
    def to_spec(self, genome: Sequence[int]) -> ArchSpec:
        """The network a genome describes."""

    def specs(self, genomes: Iterable[Sequence[int]]) -> list[ArchSpec]:
        return [self.to_spec(g) for g in genomes]

    def info(self) -> dict[str, object]:
        """Summary for ``hytnas space info``."""
        return {
            "name": self.name,
            "description": self.description,
            "size": self.size(),
            "dimensions": {d.name: [format_value(c) for c in d.choices] for d in self.dims},
            "example_arch_id": self.example_arch_id(),
        }
