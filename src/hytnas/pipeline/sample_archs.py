"""Stage ``sample_archs``: the architectures to proxy-train and to time.

Writes two CSVs (arch_id, genome values, params, MACs at ``sample.resolution``); the latency
set is drawn from a seed stream of its own, so changing one count leaves the other set as is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hytnas.archs import genome_frame, with_costs
from hytnas.config import Params
from hytnas.io import write_csv
from hytnas.space import get_space

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SampleArchsPaths:
    """Where ``sample_archs`` writes: the accuracy set and the latency set."""

    accuracy_out: Path = Path("data/archs/accuracy.csv")
    latency_out: Path = Path("data/archs/latency.csv")


@dataclass
class SampleArchsRun:
    """What :func:`run` produced: the counts written."""

    report: dict[str, Any]


def run(params: Params, paths: SampleArchsPaths = SampleArchsPaths()) -> SampleArchsRun:
    """Run stage ``sample_archs`` (params: ``seed``, ``sample``)."""
    cfg = params.sample
    space = get_space(cfg.space)
    for count, stream, out in ((cfg.accuracy_count, 0, paths.accuracy_out), (cfg.latency_count, 1, paths.latency_out)):
        genomes = space.sample(count, seed=(params.seed, stream), method=cfg.sampler)
        write_csv(out, with_costs(space, genome_frame(space, genomes), cfg.resolution))
        log.info("sample_archs: %d %s architectures -> %s", count, space.name, out)
    return SampleArchsRun({"space": space.name, "accuracy_count": cfg.accuracy_count, "latency_count": cfg.latency_count})


__all__ = ["SampleArchsPaths", "SampleArchsRun", "run"]
