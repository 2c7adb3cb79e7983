"""Channel and width rules shared by the MobileViT-like spaces (the authors' model builder).

- An attention stage's channels are the previous stage's times a multiplier, truncated to an
  integer and capped per stage; the *uncapped* value feeds the next multiplication (this is
  what the released measurements show: e.g. 96 -> 128 (cap) -> 144 = int(96 * 1.5) * 1).
- Transformer width d = the largest power of two not above the stage's channels; with heads
  in {1, 2, 4} and channels >= 8 it always divides by the heads (head dim = d / heads).
- Feed-forward width = ratio x d.
"""

from __future__ import annotations

from typing import Sequence

from hytnas.archspec import ArchSpec, MobileViTStage, MV2Stage, StemSpec

STEM_CHANNELS = 16
HEAD_EXPANSION = 4
ATTENTION_CAPS = (96, 128, 256)


def pow2_floor(channels: int) -> int:
    """Largest power of two <= ``channels`` (``channels`` >= 1)."""
    return 1 << (int(channels).bit_length() - 1)


def channel_chain(start: int, multipliers: Sequence[float], caps: Sequence[int | None]) -> list[int]:
    """Channels after each multiplier: ``u_k = int(u_{k-1} * m_k)``, reported ``min(u_k, cap_k)``."""
    uncapped = int(start)
    out = []
    for mult, cap in zip(multipliers, caps):
        uncapped = int(uncapped * mult)
        out.append(uncapped if cap is None else min(uncapped, cap))
    return out


def attention_stage(
    *,
    expand: float,
    channels: int,
    heads: int,
    depth: int,
    patch: int,
    ffn_ratio: float | None = None,
    ffn_dim: int | None = None,
) -> MobileViTStage:
    """MobileViT stage with the authors' width rule (d = pow2_floor(channels)).

    Give exactly one of ``ffn_ratio`` (feed-forward width = ratio x d) or ``ffn_dim``.
    """
    width = pow2_floor(channels)
    if (ffn_ratio is None) == (ffn_dim is None):
        raise ValueError("give exactly one of ffn_ratio and ffn_dim")
    if ffn_dim is None:
        ffn_dim = int(ffn_ratio * width)
    return MobileViTStage(
        expand=expand,
        out_channels=int(channels),
        width=width,
        heads=int(heads),
        ffn_dim=int(ffn_dim),
        depth=int(depth),
        patch=int(patch),
        stride=2,
    )


def mobilevit_like(
    conv: Sequence[MV2Stage], attention: Sequence[MobileViTStage], name: str = ""
) -> ArchSpec:
    """Stem (16 ch, 3x3, stride 2) -> conv stages -> attention stages -> 1x1 conv to 4x."""
    stages = tuple(conv) + tuple(attention)
    return ArchSpec(
        stem=StemSpec(out_channels=STEM_CHANNELS, kernel=3, stride=2),
        stages=stages,
        head_channels=HEAD_EXPANSION * stages[-1].out_channels,
        name=name,
    )
