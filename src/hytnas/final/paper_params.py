"""Which networks match the paper's parameter counts: MobileNetV1 at several widths and our
baselines, counted with 2- and 1000-class heads.

The paper's MobileNetV1 row has 0.67M parameters, where MLPerf Tiny's Visual Wake Words
reference (MobileNetV1 x0.25 at 96x96, our ``mobilenetv1_025``) has about 0.22M. The counts here
say which width and head give 0.67M.

MobileNetV1 at width ``w`` is the registered ``mobilenetv1_025`` layout with every channel count
``int(c * w)`` of the full-width network, the rule :mod:`hytnas.nn.zoo` builds its widths with.
Counts are parameters (convolution weights, BatchNorm scale and shift, classifier weight and
bias), computed analytically by :func:`hytnas.cost.summarize` (equal to the built module's count;
``tests/nn`` checks it), in microseconds, without building a module.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Sequence

from hytnas.archspec import ArchSpec, DWSepStage, StemSpec
from hytnas.cost import summarize

logger = logging.getLogger(__name__)

REFERENCE = "mobilenetv1_025"
"""The registered MobileNetV1 the other widths are derived from."""
REFERENCE_WIDTH = 0.25
STANDARD_WIDTHS: tuple[float, ...] = (0.25, 0.35, 0.5, 0.75, 1.0)
"""The width multipliers of the MobileNetV1 paper and of Keras' ``MobileNet``."""
HEADS: tuple[int, ...] = (2, 1000)
"""Classifier outputs counted: Visual Wake Words (person / no person) and ImageNet."""
RESOLUTIONS: tuple[int, ...] = (96, 224)
"""Input sides, pixels, the counts are checked at: MLPerf Tiny's VWW and the paper's latency."""
WIDTH_GRID: tuple[float, ...] = tuple(round(0.25 + 0.01 * i, 2) for i in range(76))
"""Widths 0.25, 0.26, ..., 1.00 searched for the one closest to a parameter count."""


@dataclass(frozen=True)
class WidthCount:
    """Parameters of MobileNetV1 at one width.

    Attributes:
        width: the width multiplier.
        params: classifier outputs -> parameters (every count of :data:`HEADS`).
    """

    width: float
    params: dict[int, int]


@dataclass(frozen=True)
class NetworkCount:
    """Parameters of a registered network.

    Attributes:
        label: its name in :mod:`hytnas.nn.zoo`.
        params: classifier outputs -> parameters (every count of :data:`HEADS`).
    """

    label: str
    params: dict[int, int]

    def closest_head(self, target: int) -> int:
        """The classifier outputs whose parameter count is nearest ``target`` parameters."""
        return min(self.params, key=lambda classes: abs(self.params[classes] - target))


def _reference_spec() -> ArchSpec:
    from hytnas.nn import get_model_spec

    return get_model_spec(REFERENCE)


def mobilenet_v1_spec(width: float) -> ArchSpec:
    """MobileNetV1 at ``width``: ``mobilenetv1_025``'s layers with channels ``int(c * width)`` of
    the full-width network (``mobilenet_v1_spec(0.5)`` is the registered ``mobilenetv1_050``)."""
    ref = _reference_spec()

    def ch(channels: int) -> int:
        return int(round(channels / REFERENCE_WIDTH) * width)

    stages = []
    for stage in ref.stages:
        if not isinstance(stage, DWSepStage):
            raise TypeError(f"{REFERENCE}: expected depthwise-separable stages, got {stage.kind}")
        stages.append(dataclasses.replace(stage, out_channels=ch(stage.out_channels)))
    return dataclasses.replace(
        ref,
        stem=StemSpec(out_channels=ch(ref.stem.out_channels), kernel=ref.stem.kernel, stride=ref.stem.stride),
        stages=tuple(stages),
        name=f"mobilenetv1_x{width:g}",
    )


def count_params(spec: ArchSpec, classes: int, resolution: int = 224) -> int:
    """Parameters of ``spec`` with a ``classes``-way classifier (input ``resolution`` px)."""
    return int(summarize(spec, resolution, num_classes=classes)["params"])


def _heads(spec: ArchSpec) -> dict[int, int]:
    return {classes: count_params(spec, classes) for classes in HEADS}


def mobilenet_v1_counts(widths: Sequence[float] = STANDARD_WIDTHS) -> list[WidthCount]:
    """MobileNetV1's parameters at each of ``widths``, for every head of :data:`HEADS`."""
    return [WidthCount(width, _heads(mobilenet_v1_spec(width))) for width in widths]


def closest_width(target: int, classes: int, grid: Sequence[float] = WIDTH_GRID) -> WidthCount:
    """The MobileNetV1 width of ``grid`` whose ``classes``-way count is nearest ``target`` parameters."""
    best = min(mobilenet_v1_counts(grid), key=lambda c: abs(c.params[classes] - target))
    logger.debug("MobileNetV1 closest to %d parameters with %d classes: x%g (%d)", target, classes, best.width, best.params[classes])
    return best


def resolution_free(widths: Sequence[float] = STANDARD_WIDTHS, resolutions: Sequence[int] = RESOLUTIONS) -> bool:
    """Whether MobileNetV1's parameter counts are the same at every input side of ``resolutions``
    (pixels), for each of ``widths`` and heads of :data:`HEADS`."""
    for width in widths:
        spec = mobilenet_v1_spec(width)
        for classes in HEADS:
            if len({count_params(spec, classes, r) for r in resolutions}) != 1:
                return False
    return True


def network_counts(labels: Sequence[str]) -> list[NetworkCount]:
    """Parameters of the registered networks ``labels``, for every head of :data:`HEADS`."""
    from hytnas.nn import get_model_spec

    return [NetworkCount(label, _heads(get_model_spec(label))) for label in labels]


def registered_networks() -> list[str]:
    """Names of every network registered in :mod:`hytnas.nn.zoo`."""
    from hytnas.nn import list_model_specs

    return list_model_specs()


__all__ = [
    "HEADS",
    "RESOLUTIONS",
    "STANDARD_WIDTHS",
    "WIDTH_GRID",
    "NetworkCount",
    "WidthCount",
    "closest_width",
    "count_params",
    "mobilenet_v1_counts",
    "mobilenet_v1_spec",
    "network_counts",
    "registered_networks",
    "resolution_free",
]
