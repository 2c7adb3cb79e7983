"""Backbone weights: a classification checkpoint (ours, timm's, torchvision's) copied into a
detector's backbone gives the same features as the classifier it came from; bad files fail in one
line; the detect stage keys, trains and reports detectors that start from weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import timm
import torch
import torchvision
from safetensors.torch import save_file  # timm's own weights format

from hytnas.detection.backbones import plan_backbones, resolve_backbone
from hytnas.detection.pretrained import load_backbone_weights, read_state_dict
from hytnas.detection.ssdlite import DetectorSpec, build_detector, ssdlite_norm
from hytnas.errors import ConfigError, DataError
from hytnas.nn import get_model

pytestmark = pytest.mark.usefixtures("one_thread")


def _randomize_(module: torch.nn.Module, seed: int = 0) -> None:
    """Random weights and BN statistics, so a copied tensor shows in the output."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in list(module.named_parameters()) + list(module.named_buffers()):
            if tensor.is_floating_point():
                if name.endswith("running_var"):
                    tensor.copy_(torch.rand(tensor.shape, generator=gen) + 0.5)
                else:
                    tensor.copy_(torch.randn(tensor.shape, generator=gen) * 0.1)


def _features(detector: torch.nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    with torch.inference_mode():
        return list(detector.backbone.eval()(x).values())[:2]  # the stride-16 and stride-32 maps


def test_our_classifier_checkpoint_gives_its_own_features(tmp_path: Path) -> None:
    classifier = get_model("mobilevit_xxs", 2).eval()
    _randomize_(classifier)
    torch.save({"state_dict": classifier.state_dict()}, tmp_path / "xxs.pt")  # nested, as training scripts save
    detector = build_detector(DetectorSpec(resolve_backbone("mobilevit_xxs"), 2, 128))
    extras = {k: v.clone() for k, v in detector.backbone.state_dict().items() if k.startswith("extra.")}
    copied = load_backbone_weights(detector, tmp_path / "xxs.pt")
    x = torch.randn(2, 3, 128, 128)
    with torch.inference_mode():
        at32 = classifier.stages(classifier.stem(x))
    assert torch.allclose(_features(detector, x)[1], at32, atol=1e-5)
    assert copied == len([k for k in detector.backbone.state_dict() if not k.startswith("extra.")])
    for key, value in detector.backbone.state_dict().items():  # the extra blocks keep their initialisation
        if key in extras:
            assert torch.equal(value, extras[key]), key


def test_timm_checkpoint_loads_into_the_same_architecture(tmp_path: Path) -> None:
    reference = timm.create_model("mobilevit_xxs", pretrained=False, num_classes=1000).eval()
    _randomize_(reference, seed=1)
    torch.save(reference.state_dict(), tmp_path / "timm.pt")
    save_file({k: v.contiguous() for k, v in reference.state_dict().items()}, str(tmp_path / "timm.safetensors"))
    detector = build_detector(DetectorSpec(resolve_backbone("mobilevit_xxs"), 2, 128))
    with pytest.raises(DataError, match=r"timm\.safetensors: a safetensors file keeps its tensors sorted by name"):
        load_backbone_weights(detector, tmp_path / "timm.safetensors")
    load_backbone_weights(detector, tmp_path / "timm.pt")
    x = torch.randn(1, 3, 128, 128)
    with torch.inference_mode():
        stages = reference.stages(reference.stem(x))
    assert torch.allclose(_features(detector, x)[1], stages, atol=1e-4)


def test_torchvision_imagenet_layout_takes_the_full_tail(tmp_path: Path) -> None:
    """torchvision's ImageNet MobileNetV3 has the full tail; a detector with weights is built with it."""
    reference = torchvision.models.mobilenet_v3_large(weights=None, norm_layer=ssdlite_norm()).eval()
    _randomize_(reference, seed=2)
    torch.save(reference.state_dict(), tmp_path / "mnv3.pth")
    (backbone,) = plan_backbones(["mobilenetv3_large"], tmp_path, {"mobilenetv3_large": str(tmp_path / "mnv3.pth")})
    detector = build_detector(backbone.detector_spec(2, 160))
    load_backbone_weights(detector, backbone.weights)
    x = torch.randn(1, 3, 160, 160)
    with torch.inference_mode():
        full = reference.features(x)
    assert torch.allclose(_features(detector, x)[1], full, atol=1e-4)
    reduced = build_detector(DetectorSpec("mobilenetv3_large", 2, 160))  # no weights: the reduced tail
    with pytest.raises(DataError, match=r"mnv3\.pth: tensor \d+ \(features\.13\..*\) does not fit the backbone's features\.1\."):
        load_backbone_weights(reduced, tmp_path / "mnv3.pth")


def test_bad_checkpoints_fail_in_one_line(tmp_path: Path) -> None:
    detector = build_detector(DetectorSpec(resolve_backbone("mobilevit_xxs"), 2, 64))
    torch.save(get_model("mobilevit_xs", 2).state_dict(), tmp_path / "xs.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    torch.save({"epoch": 3}, tmp_path / "empty.pt")
    torch.save(dict(list(get_model("mobilevit_xxs", 2).state_dict().items())[:5]), tmp_path / "short.pt")
    cases = {
        "xs.pt": r"xs\.pt: tensor \d+ \(.*\) does not fit the backbone's .*; expected a classification checkpoint of the same network$",
        "junk.pt": r"junk\.pt: cannot read backbone weights \(",
        "empty.pt": r"empty\.pt: holds no tensors; expected a state dict",
        "short.pt": r"short\.pt: 5 tensors, the backbone has \d+",
        "missing.pt": r"missing\.pt: backbone weights file not found",
    }
    for name, message in cases.items():
        with pytest.raises(DataError, match=message) as err:
            load_backbone_weights(detector, tmp_path / name)
        assert "\n" not in str(err.value)
    assert read_state_dict(tmp_path / "xs.pt")  # a good file reads


def test_plan_checks_the_weights_names_and_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^detect.backbone_weights: 'mobilevit_xs' not in detect.backbones \(mobilevit_xxs\)$"):
        plan_backbones(["mobilevit_xxs"], tmp_path, {"mobilevit_xs": "w.pt"})
    with pytest.raises(DataError, match=r"^detect.backbone_weights.mobilevit_xxs = .*nope.pt: file not found"):
        plan_backbones(["mobilevit_xxs"], tmp_path, {"mobilevit_xxs": str(tmp_path / "nope.pt")})
    torch.save(get_model("mobilevit_xxs", 2).state_dict(), tmp_path / "a.pt")
    plain, weighted = plan_backbones(["mobilevit_xxs"], tmp_path)[0], plan_backbones(["mobilevit_xxs"], tmp_path, {"mobilevit_xxs": str(tmp_path / "a.pt")})[0]
    assert "weights_sha256" not in plain.identity()  # from-scratch keys are unchanged
    assert weighted.identity() == {**plain.identity(), "weights_sha256": weighted.weights_sha256}
    assert json.dumps(weighted.identity())  # plain JSON
