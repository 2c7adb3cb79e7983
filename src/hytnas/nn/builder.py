"""ArchSpec -> ``torch.nn.Module``.

Every network is ``stem -> stages -> [1x1 head conv] -> global average pool -> dropout ->
linear``, the layout of timm's ``ByobNet`` (``final_conv`` then ``ClassifierHead``). Stage
kinds:

- ``mv2``: ``blocks`` :class:`~hytnas.nn.blocks.InvertedResidual`, the first with the stride;
- ``dwsep``: ``blocks`` :class:`~hytnas.nn.blocks.DepthwiseSeparable`, the first with the stride;
- ``mobilevit``: one :class:`~hytnas.nn.blocks.InvertedResidual` (stride, 3x3) then one
  :class:`~hytnas.nn.blocks.MobileViTBlock`.

:func:`validate_spec` rejects a spec the builder cannot realise with a one-line
:class:`~hytnas.errors.SpaceError` naming the stage index and the field.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import torch
from torch import nn

from hytnas.archspec import ArchSpec, DWSepStage, MobileViTStage, MV2Stage, StageSpec, StemSpec
from hytnas.errors import SpaceError
from hytnas.nn.blocks import ACTIVATIONS, ConvBNAct, DepthwiseSeparable, InvertedResidual, MobileViTBlock

IN_CHANNELS = 3


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_int(where: str, name: str, value: Any, minimum: int) -> None:
    if not _is_int(value) or value < minimum:
        raise SpaceError(f"{where}: {name} = {value!r}, expected an integer >= {minimum}")


def _check_kernel(where: str, value: Any) -> None:
    if not _is_int(value) or value < 1 or value % 2 == 0:
        raise SpaceError(f"{where}: kernel = {value!r}, expected an odd integer >= 1")


def _check_stage(index: int, stage: StageSpec) -> None:
    where = f"stage {index} ({getattr(stage, 'kind', type(stage).__name__)})"
    if isinstance(stage, MV2Stage):
        _check_int(where, "blocks", stage.blocks, 1)
        _check_int(where, "out_channels", stage.out_channels, 1)
        _check_int(where, "stride", stage.stride, 1)
        _check_kernel(where, stage.kernel)
        _check_expand(where, stage.expand)
    elif isinstance(stage, DWSepStage):
        _check_int(where, "blocks", stage.blocks, 1)
        _check_int(where, "out_channels", stage.out_channels, 1)
        _check_int(where, "stride", stage.stride, 1)
    elif isinstance(stage, MobileViTStage):
        _check_expand(where, stage.expand)
        _check_int(where, "out_channels", stage.out_channels, 1)
        _check_int(where, "width", stage.width, 1)
        _check_int(where, "heads", stage.heads, 1)
        _check_int(where, "ffn_dim", stage.ffn_dim, 1)
        _check_int(where, "depth", stage.depth, 1)
        _check_int(where, "patch", stage.patch, 1)
        _check_int(where, "stride", stage.stride, 1)
        if stage.width % stage.heads:
            raise SpaceError(
                f"{where}: width = {stage.width} is not a multiple of heads = {stage.heads}"
            )
    else:
        raise SpaceError(f"stage {index}: unknown stage type {type(stage).__name__}, expected mv2, dwsep or mobilevit")


def _check_expand(where: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise SpaceError(f"{where}: expand = {value!r}, expected a number > 0")


def validate_spec(spec: ArchSpec) -> None:
    """Raise :class:`SpaceError` (one line: stage index and field) if ``spec`` cannot be built."""
    if not isinstance(spec, ArchSpec):
        raise SpaceError(f"expected an ArchSpec, got {type(spec).__name__}")
    if not isinstance(spec.stem, StemSpec):
        raise SpaceError(f"stem: expected a StemSpec, got {type(spec.stem).__name__}")
    _check_int("stem", "out_channels", spec.stem.out_channels, 1)
    _check_kernel("stem", spec.stem.kernel)
    _check_int("stem", "stride", spec.stem.stride, 1)
    for i, stage in enumerate(spec.stages):
        _check_stage(i, stage)
    if spec.head_channels is not None:
        _check_int("head", "head_channels", spec.head_channels, 1)


def build_stage(stage: StageSpec, in_channels: int, act: str = "silu") -> nn.Sequential:
    """The blocks of one stage (spec assumed valid).

    Shapes: ``B x in_channels x H x W`` -> ``B x stage.out_channels x ceil(H/s) x ceil(W/s)``.
    """
    blocks: list[nn.Module] = []
    if isinstance(stage, MV2Stage):
        for j in range(stage.blocks):
            blocks.append(
                InvertedResidual(
                    in_channels if j == 0 else stage.out_channels,
                    stage.out_channels,
                    stride=stage.stride if j == 0 else 1,
                    expand=stage.expand,
                    kernel=stage.kernel,
                    act=act,
                )
            )
    elif isinstance(stage, DWSepStage):
        for j in range(stage.blocks):
            blocks.append(
                DepthwiseSeparable(
                    in_channels if j == 0 else stage.out_channels,
                    stage.out_channels,
                    stride=stage.stride if j == 0 else 1,
                    act=act,
                )
            )
    elif isinstance(stage, MobileViTStage):
        blocks.append(InvertedResidual(in_channels, stage.out_channels, stage.stride, stage.expand, 3, act))
        blocks.append(
            MobileViTBlock(
                stage.out_channels, stage.width, stage.heads, stage.ffn_dim, stage.depth, stage.patch, act
            )
        )
    else:  # pragma: no cover - validate_spec catches this first
        raise SpaceError(f"unknown stage type {type(stage).__name__}")
    return nn.Sequential(*blocks)


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
    _check_int("build_model", "num_classes", num_classes, 1)
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0.0 <= dropout < 1.0:
        raise SpaceError(f"build_model: dropout = {dropout!r}, expected a number in [0, 1)")
    if act not in ACTIVATIONS:
        raise SpaceError(f"build_model: act = {act!r}, expected one of {', '.join(ACTIVATIONS)}")
    model = Network(spec, num_classes, float(dropout), act)
    init_weights(model)
    return model
