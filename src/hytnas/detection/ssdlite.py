"""SSDLite detectors around any backbone the builder makes (Table III of the paper).

Everything but the backbone adapter is torchvision's: the SSDLite extra blocks and head
(``torchvision.models.detection.ssdlite``), ``DefaultBoxGenerator`` and ``SSD`` (loss, box
coding, post-processing). Backbones:

- ``mobilenetv3_large``: torchvision's own SSDLite backbone (MobileNetV3-Large with the
  reduced tail that ``weights_backbone=None`` selects, its C4 split and four extra blocks):
  at 320 px the detector has exactly the parameters of
  ``torchvision.models.detection.ssdlite320_mobilenet_v3_large(weights=None,
  weights_backbone=None, num_classes=N)``;
- any :class:`~hytnas.archspec.ArchSpec` (a search-space architecture, MobileViT-XXS/XS from
  :mod:`hytnas.nn.zoo`, ...): :class:`SpecFeatures` takes its stem and stages (its 1x1 head
  conv and classifier are dropped, as MobileViT's own SSDLite does), returns the feature maps
  at output strides 16 and 32, and adds SSDLite extra blocks down to a 1 x 1 map.

Input: ``SSD`` takes a list of ``3 x H x W`` float images in [0, 1], resizes each to
``resolution x resolution`` and normalises it to [-1, 1]; in training mode it also takes the
targets (``boxes`` ``k x 4`` in pixels, x1 y1 x2 y2, and ``labels`` ``k``, 1-based; 0 is the
background) and returns the losses, in eval mode the detections per image.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

import torch
from torch import nn

from hytnas.archspec import IN_CHANNELS, ArchSpec, validate_spec
from hytnas.errors import SpaceError
from hytnas.nn.builder import build_model

MOBILENETV3 = "mobilenetv3_large"
"""torchvision's SSDLite backbone, the paper's MobileNetV3 reference."""
EXTRA_CHANNELS = (512, 256, 256, 128, 128, 64)
"""Output channels of the successive SSDLite extra blocks (torchvision's first four)."""
ASPECT_RATIOS = (2, 3)
"""Anchor aspect ratios at every feature map (torchvision's SSDLite)."""
SSD_DEFAULTS: dict[str, Any] = {
    "score_thresh": 0.001,
    "nms_thresh": 0.55,
    "detections_per_img": 300,
    "topk_candidates": 300,
    "image_mean": [0.5, 0.5, 0.5],
    "image_std": [0.5, 0.5, 0.5],
}
"""torchvision's SSDLite post-processing and input normalisation."""


def ssdlite_norm() -> Callable[..., nn.Module]:
    """The BatchNorm of torchvision's SSDLite (eps 0.001, momentum 0.03)."""
    return partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)


def feature_sizes(resolution: int, maps: int) -> list[int]:
    """Sides of the SSDLite feature maps of a ``resolution`` px input: stride 16, stride 32,
    then each extra block halves (rounding up), ``maps`` in all."""
    sizes = [-(-resolution // 16), -(-resolution // 32)]
    while len(sizes) < maps:
        sizes.append(-(-sizes[-1] // 2))
    return sizes


def extra_blocks_to_one(resolution: int) -> int:
    """How many stride-2 extra blocks take the stride-32 map of ``resolution`` px down to 1 x 1."""
    side, blocks = -(-resolution // 32), 0
    while side > 1:
        side, blocks = -(-side // 2), blocks + 1
    return blocks


def check_resolution(resolution: int, where: str = "resolution") -> None:
    """:class:`SpaceError` unless the stride-32 feature map exists (``resolution >= 32``)."""
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 32:
        raise SpaceError(
            f"{where} = {resolution!r}: the stride-32 feature map vanishes below 32 px; expected an integer >= 32"
        )


def stage_strides(spec: ArchSpec) -> list[int]:
    """Cumulative output stride after each stage of ``spec`` (the stem's stride included)."""
    stride, out = spec.stem.stride, []
    for stage in spec.stages:
        stride *= stage.stride
        out.append(stride)
    return out


class SpecFeatures(nn.Module):
    """Backbone adapter: an ArchSpec's stem and stages as an SSDLite feature extractor.

    Shapes: ``B x 3 x H x W`` -> ordered dict of ``2 + extras`` maps: ``B x C16 x H/16 x W/16``,
    ``B x C32 x H/32 x W/32``, then the extra blocks' ``B x Ck x h x w`` down to ``1 x 1``.

    Attributes:
        to16: stem and the stages up to output stride 16.
        to32: the stages from there to output stride 32.
        extra: SSDLite extra blocks (torchvision's ``_extra_block``).
    """

    def __init__(self, spec: ArchSpec, extras: int, norm_layer: Callable[..., nn.Module]) -> None:
        super().__init__()
        from torchvision.models.detection.ssdlite import _extra_block, _normal_init

        strides = stage_strides(spec)
        name = spec.name or "the backbone"
        if 16 not in strides or strides[-1] != 32:
            raise SpaceError(
                f"{name}: stage output strides {strides}; an SSDLite backbone needs a stage ending at stride 16 "
                "and the last stage at stride 32"
            )
        at16 = max(i for i, s in enumerate(strides) if s == 16)
        network = build_model(spec, num_classes=1)
        stages = list(network.stages)
        self.to16 = nn.Sequential(network.stem, *stages[: at16 + 1])
        self.to32 = nn.Sequential(*stages[at16 + 1 :])
        channels = [spec.stages[at16].out_channels, spec.stages[-1].out_channels]
        blocks = []
        for k in range(extras):
            blocks.append(_extra_block(channels[-1], EXTRA_CHANNELS[k], norm_layer))
            channels.append(EXTRA_CHANNELS[k])
        self.extra = nn.ModuleList(blocks)
        _normal_init(self.extra)
        self.out_channels = channels

    def forward(self, x: torch.Tensor) -> "OrderedDict[str, torch.Tensor]":
        maps = [self.to16(x)]
        maps.append(self.to32(maps[-1]))
        for block in self.extra:
            maps.append(block(maps[-1]))
        return OrderedDict((str(i), m) for i, m in enumerate(maps))


def _mobilenetv3_features(norm_layer: Callable[..., nn.Module], reduced_tail: bool = True) -> nn.Module:
    """torchvision's SSDLite320 backbone, built as ``ssdlite320_mobilenet_v3_large`` builds it:
    without backbone weights the reduced tail and its normal initialisation; with them
    (``reduced_tail=False``, weights loaded afterwards) the full tail ImageNet checkpoints have.
    All layers trainable."""
    from torchvision.models import mobilenet_v3_large
    from torchvision.models.detection.ssdlite import _mobilenet_extractor, _normal_init

    backbone = mobilenet_v3_large(weights=None, norm_layer=norm_layer, reduced_tail=reduced_tail)
    if reduced_tail:
        _normal_init(backbone)
    return _mobilenet_extractor(backbone, 6, norm_layer)


@dataclass(frozen=True)
class DetectorSpec:
    """What a detector is built from.

    Attributes:
        backbone: ``mobilenetv3_large`` or an :class:`ArchSpec`.
        num_classes: classes including the background (``1 + categories``).
        resolution: input side in pixels (images are resized to it).
        reduced_tail: MobileNetV3 only: torchvision's reduced tail (its choice without backbone
            weights); ``False`` for the full tail of ImageNet checkpoints.
    """

    backbone: str | ArchSpec
    num_classes: int
    resolution: int
    reduced_tail: bool = True

    @property
    def name(self) -> str:
        return self.backbone if isinstance(self.backbone, str) else (self.backbone.name or "archspec")

    @classmethod
    def for_backbone(cls, backbone: str | ArchSpec, num_classes: int, resolution: int, *, pretrained: bool) -> "DetectorSpec":
        """The spec of ``backbone``'s detector: torchvision's choice of tail, reduced from scratch
        and full when the backbone starts from (ImageNet-shaped) weights."""
        return cls(backbone, num_classes, resolution, reduced_tail=not pretrained)


def build_detector(spec: DetectorSpec) -> nn.Module:
    """A randomly initialised SSDLite detector (torchvision ``SSD``) for ``spec``.

    Raises:
        SpaceError: an unknown backbone name, an invalid ArchSpec, one without stages ending
            at output strides 16 and 32, a resolution below 32 px, or fewer than 2 classes.
    """
    from torchvision.models.detection import _utils as det_utils
    from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
    from torchvision.models.detection.ssd import SSD
    from torchvision.models.detection.ssdlite import SSDLiteHead

    check_resolution(spec.resolution)
    if isinstance(spec.num_classes, bool) or not isinstance(spec.num_classes, int) or spec.num_classes < 2:
        raise SpaceError(f"num_classes = {spec.num_classes!r}: expected an integer >= 2 (the background and a category)")
    norm_layer = ssdlite_norm()
    size = (spec.resolution, spec.resolution)
    if isinstance(spec.backbone, str):
        if spec.backbone != MOBILENETV3:
            raise SpaceError(f"backbone {spec.backbone!r}: not a detection backbone here; expected {MOBILENETV3} or an ArchSpec")
        features = _mobilenetv3_features(norm_layer, spec.reduced_tail)
        out_channels = det_utils.retrieve_out_channels(features, size)
    else:
        validate_spec(spec.backbone)
        features = SpecFeatures(spec.backbone, extra_blocks_to_one(spec.resolution), norm_layer)
        out_channels = features.out_channels
    anchors = DefaultBoxGenerator([list(ASPECT_RATIOS) for _ in out_channels], min_ratio=0.2, max_ratio=0.95)
    head = SSDLiteHead(out_channels, anchors.num_anchors_per_location(), spec.num_classes, norm_layer)
    return SSD(features, anchors, size, spec.num_classes, head=head, **SSD_DEFAULTS)


class DenseDetector(nn.Module):
    """A detector's dense part: backbone and head on a normalised ``B x 3 x R x R`` batch ->
    ``bbox_regression`` (``B x anchors x 4``) and ``cls_logits`` (``B x anchors x classes``);
    resizing, box decoding and NMS excluded. What its MACs count and what an ONNX runtime
    times."""

    def __init__(self, detector: nn.Module) -> None:
        super().__init__()
        self.detector = detector

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.detector.head(list(self.detector.backbone(x).values()))
        return out["bbox_regression"], out["cls_logits"]


def detector_macs(model: nn.Module, resolution: int) -> int:
    """Multiply-accumulates of the backbone and head on one ``3 x resolution x resolution``
    image (resizing, box decoding and NMS excluded)."""
    from hytnas.nn.measure import count_macs

    return count_macs(DenseDetector(model), resolution)


def feature_shapes(model: nn.Module, resolution: int) -> list[tuple[int, int, int]]:
    """``(channels, height, width)`` of each feature map the head sees at ``resolution`` px."""
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            maps = model.backbone(torch.zeros(1, IN_CHANNELS, resolution, resolution))
    finally:
        model.train(was_training)
    return [tuple(int(v) for v in m.shape[1:]) for m in maps.values()]  # type: ignore[misc]


__all__ = [
    "DenseDetector",
    "DetectorSpec",
    "MOBILENETV3",
    "SpecFeatures",
    "build_detector",
    "check_resolution",
    "detector_macs",
    "extra_blocks_to_one",
    "feature_shapes",
    "feature_sizes",
    "stage_strides",
]
