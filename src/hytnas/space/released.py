"""The authors' released encoding: 23 numbers per architecture (MobileViT layers 1-5).

Row layout (``../shared/paper-data/README.md``)::

    0      layer 2 blocks                       {1,2,3,4}
    1-3    layers 3-5 transformer depth         {1,2,3,4}
    4-8    layers 1-5 MV2 expand ratio          {1,2,4}
    9      layer 1 channels                     {8,16,24,32}
    10-13  layers 2-5 channels = previous x {1,1.5,2}, truncated, capped 96/128/256 (layers 3-5)
    14-16  layers 3-5 heads                     {1,2,4}
    17-19  layers 3-5 feed-forward width (or ratio {1,1.5,2} in ``models_lat.csv``)
    20-22  layers 3-5 patch size                {2,4,8}

The genome holds the multipliers and ratios, so the space is a product of 23 categorical
dimensions. Several genomes can give the same row when a cap binds; :meth:`from_row` returns
the one with the lexicographically smallest multipliers, so ``to_row(from_row(r)) == r``.

``models_acc_pr.csv`` was written by an earlier encoder: its column 13 holds column 11's
value, its feed-forward widths use ratio 1 where 1.5 was drawn (ratios 1 and 2 appear in a
2:1 proportion), and some layer 3-4 channels follow other caps. :func:`decode_accuracy_row`
therefore builds the network from the recorded numbers, and infers layer 5's channels from its
feed-forward width (rule in that function's docstring).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal, Sequence

from hytnas.archspec import ArchSpec, MV2Stage
from hytnas.errors import SpaceError
from hytnas.space.base import CategoricalSpace, Dimension, Genome
from hytnas.space.rules import ATTENTION_CAPS, attention_stage, channel_chain, mobilevit_like, pow2_floor

EXPAND = (1.0, 2.0, 4.0)
MULT = (1.0, 1.5, 2.0)
ROW_LENGTH = 23
COLUMN_NAMES = (
    ["l2_blocks"]
    + [f"l{k}_depth" for k in (3, 4, 5)]
    + [f"l{k}_expand" for k in (1, 2, 3, 4, 5)]
    + [f"l{k}_channels" for k in (1, 2, 3, 4, 5)]
    + [f"l{k}_heads" for k in (3, 4, 5)]
    + [f"l{k}_ffn" for k in (3, 4, 5)]
    + [f"l{k}_patch" for k in (3, 4, 5)]
)
FfnForm = Literal["width", "ratio"]


def _dims() -> list[Dimension]:
    dims = [
        Dimension("conv1.expand", EXPAND, "e"),
        Dimension("conv1.channels", (8.0, 16.0, 24.0, 32.0), "c"),
        Dimension("conv2.blocks", (1.0, 2.0, 3.0, 4.0), "b"),
        Dimension("conv2.expand", EXPAND, "e"),
        Dimension("conv2.mult", MULT, "m"),
    ]
    for k in (1, 2, 3):
        dims += [
            Dimension(f"att{k}.expand", EXPAND, "e"),
            Dimension(f"att{k}.mult", MULT, "m"),
            Dimension(f"att{k}.heads", (1.0, 2.0, 4.0), "h"),
            Dimension(f"att{k}.ffn", MULT, "f"),
            Dimension(f"att{k}.depth", (1.0, 2.0, 3.0, 4.0), "d"),
            Dimension(f"att{k}.patch", (2.0, 4.0, 8.0), "p"),
        ]
    return dims


def _channels(c1: float, multipliers: Sequence[float]) -> list[int]:
    """Layers 2-5 channels from layer 1's and the four multipliers."""
    return channel_chain(int(c1), multipliers, (None,) + ATTENTION_CAPS)


def spec_from_row(row: Sequence[float], name: str = "") -> ArchSpec:
    """The network a 23-number row (feed-forward as widths) describes, taken literally."""
    r = [float(x) for x in row]
    conv = [
        MV2Stage(blocks=1, expand=r[4], out_channels=int(r[9]), stride=1),
        MV2Stage(blocks=int(r[0]), expand=r[5], out_channels=int(r[10]), stride=2),
    ]
    attention = [
        attention_stage(
            expand=r[6 + k],
            channels=int(r[11 + k]),
            heads=int(r[14 + k]),
            ffn_dim=int(r[17 + k]),
            depth=int(r[1 + k]),
            patch=int(r[20 + k]),
        )
        for k in range(3)
    ]
    return mobilevit_like(conv, attention, name=name)


class ReleasedSpace(CategoricalSpace):
    """The 23-dimension space behind the authors' released measurements."""

    name = "released"
    description = (
        "The authors' released 23-number encoding: Table I plus transformer depth 1-4 and "
        "patch size 2/4/8 per attention stage, and layer 1 fixed at one MV2 block"
    )

    def __init__(self) -> None:
        super().__init__(_dims())

    def to_row(self, genome: Sequence[int], ffn: FfnForm = "width") -> list[float]:
        """The authors' 23 numbers of a genome (feed-forward as widths or as ratios)."""
        v = self.values(genome)
        mults = [v["conv2.mult"]] + [v[f"att{k}.mult"] for k in (1, 2, 3)]
        channels = [int(v["conv1.channels"])] + _channels(v["conv1.channels"], mults)
        att = [f"att{k}" for k in (1, 2, 3)]
        if ffn == "width":
            ffns = [v[f"{a}.ffn"] * pow2_floor(c) for a, c in zip(att, channels[2:])]
        else:
            ffns = [v[f"{a}.ffn"] for a in att]
        return [
            v["conv2.blocks"],
            *(v[f"{a}.depth"] for a in att),
            v["conv1.expand"],
            v["conv2.expand"],
            *(v[f"{a}.expand"] for a in att),
            *(float(c) for c in channels),
            *(v[f"{a}.heads"] for a in att),
            *(float(f) for f in ffns),
            *(v[f"{a}.patch"] for a in att),
        ]

    def from_row(self, row: Sequence[float], ffn: FfnForm = "width") -> Genome:
        """Genome of a 23-number row; :class:`SpaceError` naming the first column that fails."""
        r = _check_row(row)
        values: dict[str, float] = {
            "conv1.expand": r[4],
            "conv1.channels": r[9],
            "conv2.blocks": r[0],
            "conv2.expand": r[5],
        }
        mults = _multipliers_for(r[9], r[10:14])
        if mults is None:
            raise SpaceError(
                f"columns 10-13 = {[_fmt(x) for x in r[10:14]]}: no multipliers in {{1, 1.5, 2}} "
                f"reproduce these channels from layer 1's {_fmt(r[9])} under caps {ATTENTION_CAPS}"
            )
        values["conv2.mult"] = mults[0]
        for k in range(3):
            a = f"att{k + 1}"
            values[f"{a}.expand"] = r[6 + k]
            values[f"{a}.mult"] = mults[1 + k]
            values[f"{a}.heads"] = r[14 + k]
            values[f"{a}.depth"] = r[1 + k]
            values[f"{a}.patch"] = r[20 + k]
            ratio = r[17 + k] if ffn == "ratio" else r[17 + k] / pow2_floor(int(r[11 + k]))
            values[f"{a}.ffn"] = ratio
        try:
            genome = self.encode(values)
        except SpaceError as err:
            raise SpaceError(f"row does not decode in space released: {err}") from None
        return genome

    def to_spec(self, genome: Sequence[int]) -> ArchSpec:
        return spec_from_row(self.to_row(genome, ffn="width"), name=self.arch_id(genome))


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _check_row(row: Sequence[float]) -> list[float]:
    if len(row) < ROW_LENGTH:
        raise SpaceError(f"row has {len(row)} numbers, expected {ROW_LENGTH} (columns 0-22)")
    out = []
    for j, x in enumerate(row[:ROW_LENGTH]):
        try:
            value = float(x)
        except (TypeError, ValueError):
            raise SpaceError(f"column {j} ({COLUMN_NAMES[j]}) = {x!r} is not a number") from None
        if not math.isfinite(value):
            raise SpaceError(f"column {j} ({COLUMN_NAMES[j]}) = {x!r} is not finite")
        out.append(value)
    return out


def _multipliers_for(c1: float, channels: Sequence[float]) -> tuple[float, ...] | None:
    """Lexicographically smallest multipliers giving ``channels`` (layers 2-5), or None."""
    target = [int(c) for c in channels]
    for mults in itertools.product(MULT, repeat=4):
        if _channels(c1, mults) == target:
            return mults
    return None


@dataclass(frozen=True)
class AccuracyRow:
    """A decoded row of ``models_acc_pr.csv``.

    Attributes:
        spec: the network, from the recorded numbers and the inferred layer 5 channels.
        row: the 23 numbers with column 13 replaced by the inferred layer 5 channels.
        layer5_candidates: how many layer 5 widths matched the feed-forward width (1 = exact).
    """

    spec: ArchSpec
    row: tuple[float, ...]
    layer5_candidates: int


# Prior of each (multiplier, recorded ratio) pair in the accuracy file: multipliers uniform,
# ratios 1 and 1.5 both recorded as 1 (so ratio 1 has weight 2/3, ratio 2 has 1/3).
_ACC_RATIO_PRIOR = {1.0: 2.0, 2.0: 1.0}


def decode_accuracy_row(row: Sequence[float]) -> AccuracyRow:
    """Decode a ``models_acc_pr.csv`` row, whose column 13 holds column 11's value.

    Rule for layer 5's channels C5: the candidates are ``min(int(C4 * m), 256)`` for
    m in {1, 1.5, 2}; a candidate fits when the recorded feed-forward width equals
    ``r * pow2_floor(C5)`` with r in {1, 2}. Among fitting candidates the most probable under
    the sampler (uniform m; recorded r = 1 twice as likely as r = 2) wins, ties to the smaller
    C5. If none fits, C5 is the candidate for which some ``r * pow2_floor(C5)`` is nearest (in
    log2) to the recorded width, ties to the smaller C5; ``layer5_candidates`` is then 0.
    """
    r = _check_row(row)
    c4, ffn5 = int(r[12]), r[19]
    candidates = sorted({min(int(c4 * m), ATTENTION_CAPS[2]) for m in MULT})
    scored = []
    for c5 in candidates:
        n_mults = sum(1 for m in MULT if min(int(c4 * m), ATTENTION_CAPS[2]) == c5)
        for ratio, weight in _ACC_RATIO_PRIOR.items():
            if math.isclose(ratio * pow2_floor(c5), ffn5):
                scored.append((-(n_mults * weight), c5))
    if scored:
        c5 = min(scored)[1]
        n_fit = len({c for _, c in scored})
    else:
        def distance(c: int) -> float:
            return min(abs(math.log2(r_ * pow2_floor(c)) - math.log2(ffn5)) for r_ in _ACC_RATIO_PRIOR)

        c5 = min(candidates, key=lambda c: (distance(c), c))
        n_fit = 0
    fixed = list(r)
    fixed[13] = float(c5)
    return AccuracyRow(spec=spec_from_row(fixed), row=tuple(fixed), layer5_candidates=n_fit)
