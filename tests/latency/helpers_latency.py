"""Helpers shared by the latency tests: a tiny architecture table and quick params."""

from __future__ import annotations

from pathlib import Path

from hytnas.archs import genome_frame
from hytnas.config import Params, parse_params
from hytnas.io import write_csv
from hytnas.nn import summarize
from hytnas.space import get_space


def write_arch_table(path: Path, n: int, seed: int = 0) -> Path:
    """``n`` table1 architectures with params and MACs at 224 px, as sample_archs writes them."""
    space = get_space("table1")
    frame = genome_frame(space, space.sample(n, seed=seed))
    costs = [summarize(space.to_spec(space.parse_arch_id(a)), 224) for a in frame["arch_id"]]
    frame["params"] = [c["params"] for c in costs]
    frame["macs"] = [c["macs"] for c in costs]
    write_csv(path, frame)
    return path


def quick_params(**latency: object) -> Params:
    """Params timing at 32 px with 1 warm-up and 3 runs on one local worker."""
    cfg = {"resolution": 32, "warmup": 1, "runs": 3, "device": "test-cpu", **latency}
    return parse_params({"seed": 0, "latency": cfg, "executor": {"kind": "local", "workers": 1, "threads": 1}})
