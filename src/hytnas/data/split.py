"""Seeded train/validation assignment that depends only on (image id, seed, fraction).

Each image id is hashed with the seed (SplitMix64) to a number in ``[0, 1)``; the image is in
validation when that number is below ``fraction``. An image's split therefore does not depend
on which other images are present: the generator's val file and the VWW val split agree for
the same seed and fraction, even when a variant drops images.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix64(values: np.ndarray) -> np.ndarray:
    z = values + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def unit_hash(ids: np.ndarray, seed: int) -> np.ndarray:
    """``n`` integer ids -> ``n`` floats in ``[0, 1)``, fixed by ``seed``."""
    ids = np.asarray(ids, dtype=np.int64).astype(np.uint64)
    seeded = _splitmix64(np.asarray([seed], dtype=np.int64).astype(np.uint64))[0]
    with np.errstate(over="ignore"):
        mixed = _splitmix64(ids ^ seeded)
    return (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def val_mask(ids: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Boolean ``n`` vector: which of the ``n`` image ids belong to the validation split."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation fraction {fraction} is not in (0, 1)")
    return unit_hash(ids, seed) < fraction
