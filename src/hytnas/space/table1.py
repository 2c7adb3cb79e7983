"""The paper's Table I space: 2 convolution stages x 48 choices, 3 attention stages x 81.

Fixed as MobileViT fixes them (not in Table I): conv stage 1 stride 1, conv stage 2 stride 2,
transformer depths 2, 4, 3, patch 2x2, stem 16 channels, final 1x1 conv to 4x the last
stage's channels. Size 48**2 * 81**3 = 1,224,440,064.
"""

from __future__ import annotations

from typing import Sequence

from hytnas.archspec import ArchSpec, MV2Stage
from hytnas.space.base import CategoricalSpace, Dimension
from hytnas.space.rules import ATTENTION_CAPS, attention_stage, channel_chain, mobilevit_like

EXPAND = (1.0, 2.0, 4.0)
MULT = (1.0, 1.5, 2.0)
DEPTHS = (2, 4, 3)
PATCH = 2


def _dims() -> list[Dimension]:
    dims = []
    for k in (1, 2):
        dims += [
            Dimension(f"conv{k}.blocks", (1.0, 2.0, 3.0, 4.0), "b"),
            Dimension(f"conv{k}.expand", EXPAND, "e"),
            Dimension(f"conv{k}.channels", (8.0, 16.0, 24.0, 32.0), "c"),
        ]
    for k in (1, 2, 3):
        dims += [
            Dimension(f"att{k}.expand", EXPAND, "e"),
            Dimension(f"att{k}.mult", MULT, "m"),
            Dimension(f"att{k}.heads", (1.0, 2.0, 4.0), "h"),
            Dimension(f"att{k}.ffn", MULT, "f"),
        ]
    return dims


class Table1Space(CategoricalSpace):
    """Table I of the paper (MobileViT-like macro architecture)."""

    name = "table1"
    description = (
        "Table I: conv stages (blocks 1-4, expand 1/2/4, channels 8-32) and attention stages "
        "(expand 1/2/4, channels 1x/1.5x/2x, heads 1/2/4, FFN 1x/1.5x/2x); depths 2,4,3, patch 2"
    )

    def __init__(self) -> None:
        super().__init__(_dims())

    def to_spec(self, genome: Sequence[int]) -> ArchSpec:
        v = self.values(genome)
        conv = [
            MV2Stage(
                blocks=int(v[f"conv{k}.blocks"]),
                expand=v[f"conv{k}.expand"],
                out_channels=int(v[f"conv{k}.channels"]),
                stride=1 if k == 1 else 2,
            )
            for k in (1, 2)
        ]
        channels = channel_chain(
            int(v["conv2.channels"]), [v[f"att{k}.mult"] for k in (1, 2, 3)], ATTENTION_CAPS
        )
        attention = [
            attention_stage(
                expand=v[f"att{k}.expand"],
                channels=c,
                heads=int(v[f"att{k}.heads"]),
                ffn_ratio=v[f"att{k}.ffn"],
                depth=DEPTHS[k - 1],
                patch=PATCH,
            )
            for k, c in zip((1, 2, 3), channels)
        ]
        return mobilevit_like(conv, attention, name=self.arch_id(genome))
