"""ArchSpec -> ``torch.nn.Module``.

Every network is ``stem -> stages -> [1x1 head conv] -> global average pool -> dropout ->
linear``, the layout of timm's ``ByobNet`` (``final_conv`` then ``ClassifierHead``). Each stage
kind has one builder, registered by kind with :func:`stage_builder` in :data:`STAGE_BUILDERS`:

- ``mv2``: ``blocks`` :class:`~hytnas.nn.blocks.InvertedResidual`, the first with the stride;
- ``dwsep``: ``blocks`` :class:`~hytnas.nn.blocks.DepthwiseSeparable`, the first with the stride;
- ``mobilevit``: one :class:`~hytnas.nn.blocks.InvertedResidual` (stride, 3x3) then one
  :class:`~hytnas.nn.blocks.MobileViTBlock`.

:func:`validate_spec` (from :mod:`hytnas.archspec`, torch-free) rejects a spec the builder
cannot realise with a one-line :class:`~hytnas.errors.SpaceError` naming the stage index and
the field.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable

import torch
from torch import nn

from hytnas.archspec import IN_CHANNELS, ArchSpec, DWSepStage, KindRegistry, MobileViTStage, MV2Stage, StageSpec
from hytnas.archspec import check_int, validate_spec
from hytnas.errors import SpaceError
from hytnas.nn.blocks import ACTIVATIONS, ConvBNAct, DepthwiseSeparable, InvertedResidual, MobileViTBlock

__all__ = [
    "IN_CHANNELS",
    "STAGE_BUILDERS",
    "Network",
    "build_model",
    "build_stage",
    "init_weights",
    "stage_builder",
    "validate_spec",
]

# fn(stage, in_channels, act) -> the stage's blocks in order, ``B x in_channels x H x W`` ->
# ``B x stage.out_channels x ceil(H / stage.stride) x ceil(W / stage.stride)``.
StageBuilder = Callable[[Any, int, str], list[nn.Module]]
STAGE_BUILDERS: KindRegistry[StageBuilder] = KindRegistry("builder")


def stage_builder(kind: str) -> Callable[[StageBuilder], StageBuilder]:
    """Decorator registering ``fn(stage, in_channels, act) -> [blocks]``, the builder of ``kind``."""
    return STAGE_BUILDERS.register(kind)


@stage_builder("mv2")
def _build_mv2(stage: MV2Stage, in_channels: int, act: str) -> list[nn.Module]:
    return [
        InvertedResidual(
            in_channels if j == 0 else stage.out_channels,
            stage.out_channels,
            stride=stage.stride if j == 0 else 1,
            expand=stage.expand,
            kernel=stage.kernel,
            act=act,
        )
        for j in range(stage.blocks)
    ]


@stage_builder("dwsep")
def _build_dwsep(stage: DWSepStage, in_channels: int, act: str) -> list[nn.Module]:
    return [
        DepthwiseSeparable(
            in_channels if j == 0 else stage.out_channels,
            stage.out_channels,
            stride=stage.stride if j == 0 else 1,
            act=act,
        )
        for j in range(stage.blocks)
    ]


@stage_builder("mobilevit")
def _build_mobilevit(stage: MobileViTStage, in_channels: int, act: str) -> list[nn.Module]:
    return [
        InvertedResidual(in_channels, stage.out_channels, stage.stride, stage.expand, 3, act),
        MobileViTBlock(stage.out_channels, stage.width, stage.heads, stage.ffn_dim, stage.depth, stage.patch, act),
    ]


def build_stage(stage: StageSpec, in_channels: int, act: str = "silu") -> nn.Sequential:
    """The blocks of one stage (spec assumed valid), by the builder registered for its kind.

    Shapes: ``B x in_channels x H x W`` -> ``B x stage.out_channels x ceil(H/s) x ceil(W/s)``.

    Raises:
        SpaceError: no builder is registered for ``stage.kind``.
    """
    return nn.Sequential(*STAGE_BUILDERS.lookup(stage.kind)(stage, in_channels, act))


class Network(nn.Module):
    """``stem -> stages -> head conv -> pool -> dropout -> fc``, built from an :class:`ArchSpec`.

    Shapes: ``B x 3 x H x W`` (any ``H, W >= 32``) -> ``B x num_classes`` logits.

    Attributes:
        spec: the architecture this module realises.
        stem: input ConvBNAct.
        stages: one ``nn.Sequential`` per spec stage.
        head_conv: 1x1 ConvBNAct to ``spec.head_channels`` (``nn.Identity`` if none).
        fc: the classifier.
    """

    def __init__(self, spec: ArchSpec, num_classes: int, dropout: float, act: str) -> None:
        super().__init__()
        self.spec = spec
        self.num_classes = num_classes
        self.stem = ConvBNAct(IN_CHANNELS, spec.stem.out_channels, spec.stem.kernel, spec.stem.stride, act=act)
        channels = spec.stem.out_channels
        stages = []
        for stage in spec.stages:
            stages.append(build_stage(stage, channels, act))
            channels = stage.out_channels
        self.stages = nn.Sequential(*stages)
        if spec.head_channels:
            self.head_conv: nn.Module = ConvBNAct(channels, spec.head_channels, 1, act=act)
            channels = spec.head_channels
        else:
            self.head_conv = nn.Identity()
        self.num_features = channels
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(channels, num_classes)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """``B x 3 x H x W`` -> ``B x num_features x H/32 x W/32`` (before pooling)."""
        return self.head_conv(self.stages(self.stem(x)))

    def forward_head(self, x: torch.Tensor) -> torch.Tensor:
        """``B x num_features x h x w`` -> ``B x num_classes``."""
        return self.fc(self.drop(torch.flatten(self.pool(x), 1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))


def init_weights(module: nn.Module) -> None:
    """timm ``ByobNet`` initialisation, plus zero-init of the last BN of residual blocks.

    Conv: normal(0, sqrt(2 / fan_out)); Linear: normal(0, 0.01), zero bias; BN/LN: ones, zeros.
    """
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels // m.groups
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / fan_out))
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.01)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.LayerNorm)):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    for m in module.modules():
        if isinstance(m, InvertedResidual) and m.use_residual:
            nn.init.zeros_(m.project.bn.weight)


def build_model(
    spec: ArchSpec, *, num_classes: int = 2, dropout: float = 0.0, act: str | None = None
) -> Network:
    """Build the network ``spec`` describes.

    Args:
        spec: the architecture; checked by :func:`validate_spec`.
        num_classes: classifier outputs.
        dropout: dropout probability before the classifier.
        act: activation everywhere, overriding ``spec.act`` (``silu`` as MobileViT;
            ``relu``/``relu6`` for MobileNets); ``None`` uses ``spec.act``.

    Returns:
        A :class:`Network` mapping ``B x 3 x H x W`` images (``H, W >= 32``) to
        ``B x num_classes`` logits; works in ``torch.channels_last`` memory format.

    Raises:
        SpaceError: ``spec`` is invalid (one line naming the stage index and field) or an
            argument is out of range.
    """
    validate_spec(spec)
    act = spec.act if act is None else act
    check_int("build_model", "num_classes", num_classes, 1)
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0.0 <= dropout < 1.0:
        raise SpaceError(f"build_model: dropout = {dropout!r}, expected a number in [0, 1)")
    if act not in ACTIVATIONS:
        raise SpaceError(f"build_model: act = {act!r}, expected one of {', '.join(ACTIVATIONS)}")
    model = Network(spec, num_classes, float(dropout), act)
    init_weights(model)
    return model
