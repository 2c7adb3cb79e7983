"""ArchSpec: a plain, JSON-serializable description of a network.

Search spaces turn genomes into ArchSpecs; only :mod:`hytnas.nn` turns an ArchSpec into a
``torch.nn.Module``. Published networks (MobileViT-XXS/XS/S, MobileNets, ProxylessNAS) are
ArchSpecs too, so the builder is checked against reference implementations.

Layout of every network: ``stem -> stages -> [1x1 head conv] -> global pool -> linear``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Union


@dataclass(frozen=True)
class StemSpec:
    """Plain convolution + BN + activation at the input.

    Attributes:
        out_channels: output channels.
        kernel: square kernel size in pixels.
        stride: spatial stride.
    """

    out_channels: int
    kernel: int = 3
    stride: int = 2


@dataclass(frozen=True)
class MV2Stage:
    """A stack of MobileNetV2 inverted-residual blocks; the first block carries the stride.

    Attributes:
        blocks: number of blocks.
        expand: expansion ratio (hidden channels = input channels x expand).
        out_channels: output channels of every block.
        stride: stride of the first block (1 or 2).
        kernel: depthwise kernel size.
    """

    kind: ClassVar[str] = "mv2"
    blocks: int
    expand: float
    out_channels: int
    stride: int = 1
    kernel: int = 3


@dataclass(frozen=True)
class DWSepStage:
    """A stack of MobileNetV1 depthwise-separable blocks (3x3 depthwise, 1x1 pointwise).

    Attributes:
        blocks: number of blocks.
        out_channels: output channels of every block.
        stride: stride of the first block.
    """

    kind: ClassVar[str] = "dwsep"
    blocks: int
    out_channels: int
    stride: int = 1


@dataclass(frozen=True)
class MobileViTStage:
    """An MV2 block (usually stride 2) followed by a MobileViT block.

    The MobileViT block: local 3x3 conv, 1x1 conv to ``width``, unfold into
    ``patch x patch`` patches, ``depth`` transformer encoder layers of ``heads`` heads and
    feed-forward width ``ffn_dim``, fold, 1x1 conv back to ``out_channels``, concatenation
    with the block input, 3x3 fusion conv.

    Attributes:
        expand: expansion ratio of the MV2 block in front.
        out_channels: channels of the MV2 block and of the stage output.
        width: transformer embedding width d (a multiple of ``heads``).
        heads: attention heads.
        ffn_dim: hidden width of each transformer feed-forward layer.
        depth: transformer encoder layers.
        patch: patch height = width in pixels of the feature map.
        stride: stride of the MV2 block.
    """

    kind: ClassVar[str] = "mobilevit"
    expand: float
    out_channels: int
    width: int
    heads: int
    ffn_dim: int
    depth: int
    patch: int = 2
    stride: int = 2


StageSpec = Union[MV2Stage, DWSepStage, MobileViTStage]
STAGE_KINDS: dict[str, type] = {cls.kind: cls for cls in (MV2Stage, DWSepStage, MobileViTStage)}


@dataclass(frozen=True)
class ArchSpec:
    """A whole network.

    Attributes:
        stem: the input convolution.
        stages: the body, in order.
        head_channels: channels of the 1x1 conv before global pooling, or None for none.
        act: activation everywhere (``silu`` as MobileViT; ``relu``/``relu6`` for MobileNets).
        name: a human-readable label (not part of the architecture's identity).
    """

    stem: StemSpec
    stages: tuple[StageSpec, ...]
    head_channels: int | None = None
    act: str = "silu"
    name: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict, stable key order, each stage tagged with its ``kind``."""
        return {
            "name": self.name,
            "stem": asdict(self.stem),
            "stages": [{"kind": s.kind, **asdict(s)} for s in self.stages],
            "head_channels": self.head_channels,
            "act": self.act,
        }

    def to_json(self) -> str:
        """Compact, deterministic JSON string."""
        return json.dumps(self.to_dict(), sort_keys=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ArchSpec":
        """Inverse of :meth:`to_dict`; raises ``ValueError`` naming a bad stage kind or field."""
        stages = []
        for i, raw in enumerate(data["stages"]):
            raw = dict(raw)
            kind = raw.pop("kind", None)
            if kind not in STAGE_KINDS:
                raise ValueError(f"stage {i}: unknown kind {kind!r}, expected one of {sorted(STAGE_KINDS)}")
            stage_cls = STAGE_KINDS[kind]
            allowed = {f.name for f in fields(stage_cls)}
            unknown = set(raw) - allowed
            if unknown:
                raise ValueError(f"stage {i} ({kind}): unknown field(s) {sorted(unknown)}")
            stages.append(stage_cls(**raw))
        return cls(
            stem=StemSpec(**data["stem"]),
            stages=tuple(stages),
            head_channels=data.get("head_channels"),
            act=data.get("act", "silu"),
            name=data.get("name", ""),
        )

    @classmethod
    def from_json(cls, text: str) -> "ArchSpec":
        return cls.from_dict(json.loads(text))

    @property
    def out_channels(self) -> int:
        """Channels entering global pooling."""
        if self.head_channels:
            return self.head_channels
        return self.stages[-1].out_channels if self.stages else self.stem.out_channels
