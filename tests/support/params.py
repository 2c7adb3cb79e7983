"""One set of quick params for every stage test, with per-section overrides."""

from __future__ import annotations

from typing import Any, Mapping

from hytnas.config import Params, parse_params

from support.data import RES


def quick_params(
    *,
    proxy: Mapping[str, Any] | None = None,
    final: Mapping[str, Any] | None = None,
    latency: Mapping[str, Any] | None = None,
    executor: Mapping[str, Any] | None = None,
    **top: Any,
) -> Params:
    """Seed 0; proxy one epoch at 32 px in batches of 32; final one epoch at 32 px, one seed,
    one baseline; latency at 32 px with 1 warm-up and 3 runs; one local 1-thread worker.
    Each section's keys are overridden by the matching argument, top-level keys by ``top``."""
    tree: dict[str, Any] = {
        "seed": 0,
        "proxy": {"epochs": 1, "resolution": RES, "batch_size": 32, "warmup_epochs": 0.5, **(proxy or {})},
        "final": {"epochs": 1, "resolution": RES, "seeds": 1, "baselines": ["mobilenetv1_025"], **(final or {})},
        "latency": {"resolution": RES, "warmup": 1, "runs": 3, "device": "test-cpu", **(latency or {})},
        "executor": dict(executor or {"kind": "local", "workers": 1, "threads": 1}),
        **top,
    }
    return parse_params(tree)
