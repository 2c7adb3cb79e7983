"""Analytic parameters, multiply-accumulates (MACs) and per-part features of an ArchSpec (no torch).

The numbers are computed from an :class:`~hytnas.archspec.ArchSpec` alone, mirroring
:mod:`hytnas.nn.builder` layer by layer, without building anything (tens of microseconds per
architecture, for predictor features). They equal exactly what
:func:`hytnas.nn.measure.count_params` and :func:`hytnas.nn.measure.count_macs` measure on the
built module; the tests check it.

Units and shapes: everything is for one ``3 x resolution x resolution`` image; ``params`` are
parameters (BatchNorm scale and shift included, running statistics excluded), ``macs`` are
multiply-accumulates, ``activation`` counts the elements ``C x H x W`` of a part's output
feature map, heights and widths are in pixels.

Counting conventions (those of ``torch.utils.flop_counter.FlopCounterMode``): convolutions,
linear layers and the two attention matrix products count; bias additions, BatchNorm, LayerNorm,
activations, softmax, pooling, residual additions and the bilinear resizing of MobileViT blocks
do not.

Each stage kind has one cost model, registered by kind with :func:`cost_model`: a function
``(stage, tally) -> None`` adding the stage's layers to a :class:`Tally` that starts at the
stage's input feature map.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable

from hytnas.archspec import IN_CHANNELS, ArchSpec, DWSepStage, KindRegistry, MobileViTStage, MV2Stage
from hytnas.archspec import ir_hidden_channels, validate_spec

__all__ = [
    "FEATURE_FIELDS",
    "STAGE_COST_MODELS",
    "StageCost",
    "Tally",
    "cost_model",
    "stage_costs",
    "stage_features",
    "summarize",
]


@dataclass(frozen=True)
class StageCost:
    """Costs of one part of a network for one image.

    Attributes:
        name: ``stem``, ``stage<i>`` or ``head``.
        kind: ``stem``, a stage kind (``mv2``, ``dwsep``, ``mobilevit``, ...) or ``head``.
        out_channels: channels of the part's output.
        out_height: output height in pixels (1 for the head: after pooling).
        out_width: output width in pixels.
        params: parameters.
        macs: multiply-accumulates.
        activation: elements of the output feature map (``C x H x W``; logits for the head).
        seq_len: transformer sequence length ``N`` (patches per image; 0 without attention).
        tokens: transformer tokens per image, ``patch**2 * N`` (0 without attention).
        attn_macs: MACs of the attention matrix products (part of ``macs``).
    """

    name: str
    kind: str
    out_channels: int
    out_height: int
    out_width: int
    params: int
    macs: int
    activation: int
    seq_len: int = 0
    tokens: int = 0
    attn_macs: int = 0


def _conv_out(size: int, kernel: int, stride: int) -> int:
    """Output side in pixels of a 'same'-padded (``kernel // 2``) convolution."""
    return (size + 2 * (kernel // 2) - kernel) // stride + 1


class Tally:
    """Running params/MACs of consecutive layers and the current ``c x h x w`` feature map.

    Attributes:
        c, h, w: channels, height and width in pixels of the current feature map.
        params, macs: totals of the layers added so far.
        seq_len, tokens, attn_macs: see :class:`StageCost`.
    """

    def __init__(self, channels: int, height: int, width: int) -> None:
        self.c, self.h, self.w = channels, height, width
        self.params = 0
        self.macs = 0
        self.seq_len = 0
        self.tokens = 0
        self.attn_macs = 0

    def conv(self, out_ch: int, kernel: int = 1, stride: int = 1, groups: int = 1, bn: bool = True) -> None:
        """A bias-free conv (+ BN) from the current map; moves the map to its output."""
        h, w = _conv_out(self.h, kernel, stride), _conv_out(self.w, kernel, stride)
        weights = out_ch * (self.c // groups) * kernel * kernel
        self.params += weights + (2 * out_ch if bn else 0)
        self.macs += weights * h * w
        self.c, self.h, self.w = out_ch, h, w

    def inverted_residual(self, out_ch: int, stride: int, expand: float, kernel: int) -> None:
        """:class:`~hytnas.nn.blocks.InvertedResidual`: [1x1 expand], kxk depthwise, 1x1 project."""
        hidden = ir_hidden_channels(self.c, expand)
        if expand != 1:
            self.conv(hidden)
        self.conv(hidden, kernel, stride, groups=hidden)
        self.conv(out_ch)

    def depthwise_separable(self, out_ch: int, stride: int) -> None:
        """:class:`~hytnas.nn.blocks.DepthwiseSeparable`: 3x3 depthwise, 1x1 pointwise."""
        self.conv(self.c, 3, stride, groups=self.c)
        self.conv(out_ch)

    def mobilevit_block(self, stage: MobileViTStage) -> None:
        """:class:`~hytnas.nn.blocks.MobileViTBlock` of ``stage`` at the current map."""
        c, d, f, p = self.c, stage.width, stage.ffn_dim, stage.patch
        self.conv(c, 3)
        self.conv(d, bn=False)
        n = (-(-self.h // p)) * (-(-self.w // p))  # patches after resizing up to multiples of p
        tokens = p * p * n
        layer_params = 2 * 2 * d + (3 * d * d + 3 * d) + (d * d + d) + (d * f + f) + (f * d + d)
        attn = 2 * p * p * n * n * d  # q @ k^T and attn @ v over all heads
        self.params += stage.depth * layer_params + 2 * d  # + final LayerNorm
        self.macs += stage.depth * (tokens * (4 * d * d + 2 * d * f) + attn)
        self.attn_macs += stage.depth * attn
        self.seq_len, self.tokens = n, tokens
        self.conv(c)  # conv_proj
        self.c = 2 * c  # concatenation with the block input
        self.conv(c, 3)  # fusion


StageCostModel = Callable[[Any, Tally], None]
STAGE_COST_MODELS: KindRegistry[StageCostModel] = KindRegistry("analytic cost model")


def cost_model(kind: str) -> Callable[[StageCostModel], StageCostModel]:
    """Decorator registering ``fn(stage, tally)``, the analytic cost of a stage of ``kind``."""
    return STAGE_COST_MODELS.register(kind)


@cost_model("mv2")
def _mv2_cost(stage: MV2Stage, tally: Tally) -> None:
    for j in range(stage.blocks):
        tally.inverted_residual(stage.out_channels, stage.stride if j == 0 else 1, stage.expand, stage.kernel)


@cost_model("dwsep")
def _dwsep_cost(stage: DWSepStage, tally: Tally) -> None:
    for j in range(stage.blocks):
        tally.depthwise_separable(stage.out_channels, stage.stride if j == 0 else 1)


@cost_model("mobilevit")
def _mobilevit_cost(stage: MobileViTStage, tally: Tally) -> None:
    tally.inverted_residual(stage.out_channels, stage.stride, stage.expand, 3)
    tally.mobilevit_block(stage)


def _stage_cost(name: str, kind: str, tally: Tally) -> StageCost:
    return StageCost(
        name=name,
        kind=kind,
        out_channels=tally.c,
        out_height=tally.h,
        out_width=tally.w,
        params=tally.params,
        macs=tally.macs,
        activation=tally.c * tally.h * tally.w,
        seq_len=tally.seq_len,
        tokens=tally.tokens,
        attn_macs=tally.attn_macs,
    )


def stage_costs(spec: ArchSpec, resolution: int, *, num_classes: int = 2) -> list[StageCost]:
    """Per-part costs for one ``resolution x resolution`` image: stem, each stage, head.

    The head covers the 1x1 head conv (if any), pooling and the classifier.

    Raises:
        SpaceError: ``spec`` is invalid, or a stage kind has no registered cost model.
    """
    validate_spec(spec)
    out: list[StageCost] = []
    tally = Tally(IN_CHANNELS, resolution, resolution)
    tally.conv(spec.stem.out_channels, spec.stem.kernel, spec.stem.stride)
    out.append(_stage_cost("stem", "stem", tally))
    for i, stage in enumerate(spec.stages):
        tally = Tally(tally.c, tally.h, tally.w)
        STAGE_COST_MODELS.lookup(stage.kind)(stage, tally)
        out.append(_stage_cost(f"stage{i}", stage.kind, tally))
    tally = Tally(tally.c, tally.h, tally.w)
    if spec.head_channels:
        tally.conv(spec.head_channels)
    tally.params += tally.c * num_classes + num_classes
    tally.macs += tally.c * num_classes
    tally.c, tally.h, tally.w = num_classes, 1, 1
    out.append(_stage_cost("head", "head", tally))
    return out


def summarize(spec: ArchSpec, resolution: int, num_classes: int = 2) -> dict[str, Any]:
    """Totals and per-part costs of ``spec`` for one ``resolution x resolution`` image.

    Returns:
        ``{"name", "resolution", "num_classes", "params", "macs", "attn_macs",
        "peak_activation", "stages": [StageCost as dict, ...]}`` where ``stages`` lists the
        stem, each stage and the head, and ``peak_activation`` is the largest part output
        (elements).
    """
    costs = stage_costs(spec, resolution, num_classes=num_classes)
    return {
        "name": spec.name,
        "resolution": resolution,
        "num_classes": num_classes,
        "params": sum(c.params for c in costs),
        "macs": sum(c.macs for c in costs),
        "attn_macs": sum(c.attn_macs for c in costs),
        "peak_activation": max(c.activation for c in costs),
        "stages": [asdict(c) for c in costs],
    }


FEATURE_FIELDS = ("params", "macs", "activation", "tokens", "seq_len", "attn_macs")


def stage_features(spec: ArchSpec, resolution: int, *, num_classes: int = 2) -> dict[str, float]:
    """Flat numeric features of ``spec`` at ``resolution`` (e.g. for latency predictors).

    Keys: ``params``, ``macs``, ``attn_macs``, ``peak_activation``, then for each part
    (``stem``, ``stage0`` ... ``stage<n-1>``, ``head``) ``<part>_<field>`` for the fields
    ``params``, ``macs``, ``activation`` (output elements), ``tokens``, ``seq_len``,
    ``attn_macs`` and ``<part>_hw`` (output height x width, pixels). Architectures with the same
    number of stages get the same keys in the same order.
    """
    costs = stage_costs(spec, resolution, num_classes=num_classes)
    out: dict[str, float] = {
        "params": float(sum(c.params for c in costs)),
        "macs": float(sum(c.macs for c in costs)),
        "attn_macs": float(sum(c.attn_macs for c in costs)),
        "peak_activation": float(max(c.activation for c in costs)),
    }
    for c in costs:
        for field in FEATURE_FIELDS:
            out[f"{c.name}_{field}"] = float(getattr(c, field))
        out[f"{c.name}_hw"] = float(c.out_height * c.out_width)
    return out
