"""Seed derivation: every random choice follows from a params seed and a name, never from
worker order or timing (no torch, no numpy state).

- :func:`arch_seed`: a network's seed from the global seed, its ``arch_id`` (or another
  label) and a stream name (``proxy``, ``latency``, ``final0``, ...).
- :func:`derive_seed`: a sub-stream of a search run's seed, for pymoo, XGBoost and
  scikit-learn (named integer streams, so adding one never shifts another).
"""

from __future__ import annotations

import hashlib

import numpy as np


def arch_seed(global_seed: int, arch_id: str, stream: str = "") -> int:
    """A 31-bit seed from the global seed, the ``arch_id`` and an optional stream name."""
    digest = hashlib.sha256(f"{int(global_seed)}|{arch_id}|{stream}".encode()).digest()
    return int.from_bytes(digest[:4], "little") & 0x7FFFFFFF


def derive_seed(seed: int, *stream: int) -> int:
    """A 31-bit seed for the sub-stream ``stream`` of ``seed``."""
    return int(np.random.SeedSequence([int(seed), *map(int, stream)]).generate_state(1)[0] >> 1)


__all__ = ["arch_seed", "derive_seed"]
