"""SSDLite detectors: torchvision's parts around our backbones, checked against torchvision."""

from __future__ import annotations

import pytest
import torch

from hytnas.errors import SpaceError
from hytnas.nn import count_params, get_model_spec
from hytnas.detection.ssdlite import (
    MOBILENETV3,
    DetectorSpec,
    build_detector,
    detector_macs,
    extra_blocks_to_one,
    feature_shapes,
    feature_sizes,
)
from hytnas.space import get_space


@pytest.mark.parametrize("num_classes", [91, 2])
def test_mobilenetv3_detector_is_torchvisions_ssdlite320(num_classes: int) -> None:
    from torchvision.models.detection import ssdlite320_mobilenet_v3_large

    reference = ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=num_classes)
    ours = build_detector(DetectorSpec(MOBILENETV3, num_classes, 320))
    assert count_params(ours) == count_params(reference)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in reference.named_parameters()]
    if num_classes == 91:
        assert count_params(ours) == 3_440_060  # torchvision's own figure for these weights


def test_mobilevit_xxs_detector_keeps_the_backbone_and_reaches_one_pixel() -> None:
    spec = get_model_spec("mobilevit_xxs")
    model = build_detector(DetectorSpec(spec, 2, 320))
    shapes = feature_shapes(model, 320)
    assert [s[1] for s in shapes] == feature_sizes(320, len(shapes)) == [20, 10, 5, 3, 2, 1]
    assert shapes[0][0] == spec.stages[3].out_channels and shapes[1][0] == spec.stages[4].out_channels
    backbone = sum(p.numel() for p in model.backbone.to16.parameters()) + sum(p.numel() for p in model.backbone.to32.parameters())
    classifier = count_params(torch.nn.Linear(spec.head_channels, 2)) + sum(
        p.numel() for p in torch.nn.Conv2d(spec.stages[-1].out_channels, spec.head_channels, 1, bias=False).parameters()
    ) + 2 * spec.head_channels
    from hytnas.nn import build_model

    assert backbone == count_params(build_model(spec, num_classes=2)) - classifier  # stem and stages, nothing else
    assert detector_macs(model, 320) > 0


@pytest.mark.parametrize("resolution, extras", [(320, 4), (160, 3), (128, 2), (64, 1), (32, 0)])
def test_extra_blocks_go_down_to_one_pixel(resolution: int, extras: int) -> None:
    assert extra_blocks_to_one(resolution) == extras
    space = get_space("table1")
    spec = space.to_spec(space.sample(1, seed=0)[0])
    shapes = feature_shapes(build_detector(DetectorSpec(spec, 3, resolution)), resolution)
    assert len(shapes) == 2 + extras and shapes[-1][1:] == (1, 1)


def test_training_step_and_detections() -> None:
    space = get_space("table1")
    model = build_detector(DetectorSpec(space.to_spec(space.sample(1, seed=1)[0]), 3, 96))
    images = [torch.rand(3, 96, 96), torch.rand(3, 80, 120)]
    targets = [
        {"boxes": torch.tensor([[10.0, 10.0, 50.0, 60.0]]), "labels": torch.tensor([1])},
        {"boxes": torch.tensor([[5.0, 5.0, 30.0, 70.0], [60.0, 10.0, 110.0, 40.0]]), "labels": torch.tensor([2, 1])},
    ]
    model.train()
    losses = model(images, targets)
    assert set(losses) == {"bbox_regression", "classification"} and all(torch.isfinite(v) for v in losses.values())
    sum(losses.values()).backward()
    model.eval()
    with torch.inference_mode():
        out = model(images)
    assert len(out) == 2 and out[1]["boxes"].shape[1] == 4
    assert (out[1]["boxes"][:, 2] <= 120 + 1e-3).all()  # boxes come back in each image's own pixels


@pytest.mark.parametrize(
    "spec, message",
    [
        (DetectorSpec("resnet50", 2, 320), "backbone 'resnet50': not a detection backbone here"),
        (DetectorSpec(MOBILENETV3, 2, 16), "resolution = 16: the stride-32 feature map vanishes below 32 px"),
        (DetectorSpec(MOBILENETV3, 1, 320), "num_classes = 1: expected an integer >= 2"),
    ],
)
def test_bad_detectors_are_one_line(spec: DetectorSpec, message: str) -> None:
    with pytest.raises(SpaceError) as err:
        build_detector(spec)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_backbone_without_stride_16_and_32_is_refused() -> None:
    spec = get_model_spec("mobilenetv1_025")  # its last stage ends at stride 32, but check a cut one
    import dataclasses

    cut = dataclasses.replace(spec, stages=spec.stages[:3], name="cut")
    with pytest.raises(SpaceError, match=r"cut: stage output strides \[.*\]; an SSDLite backbone needs"):
        build_detector(DetectorSpec(cut, 2, 320))
