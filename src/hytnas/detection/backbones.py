"""Detection backbones by name: torchvision's MobileNetV3, a registered network of
:mod:`hytnas.nn.zoo`, an architecture of a search space, or a network saved by ``train_final``.

:func:`resolve_backbone` turns what a user writes (``mobilenetv3_large``, ``mobilevit_xxs``,
an ``arch_id`` with its space, or a ``spec.json`` path such as
``models/final/hytnas_o/spec.json``) into what :func:`hytnas.detection.ssdlite.build_detector`
takes: the name ``mobilenetv3_large`` or an :class:`~hytnas.archspec.ArchSpec`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from hytnas.archspec import ArchSpec
from hytnas.errors import ConfigError, DataError, SpaceError
from hytnas.io import file_sha256, read_json

REFERENCE_BACKBONES = ("mobilenetv3_large", "mobilevit_xxs", "mobilevit_xs")
"""The paper's Table III references."""
PICKS = ("hytnas_bl", "hytnas_ba", "hytnas_o")
"""Backbones taken from ``train_final``'s picks (``models/final/<label>/spec.json``)."""


@dataclass(frozen=True)
class DetectionBackbone:
    """One backbone of the detection stage, as plain data (sent to workers).

    Attributes:
        label: ``hytnas_o``, ``mobilenetv3_large``, ``mobilevit_xs``, ...
        kind: ``torchvision`` (MobileNetV3), ``zoo`` (a network of :mod:`hytnas.nn.zoo`) or
            ``space`` (an architecture of a search space).
        ref: the network's name or the ``arch_id``.
        space: the search space (``space`` only).
        weights: a classification checkpoint the backbone starts from (absolute path;
            :mod:`hytnas.detection.pretrained`), ``None``: from scratch.
        weights_sha256: the checkpoint's SHA-256 (part of :meth:`identity`).
    """

    label: str
    kind: str
    ref: str
    space: str | None = None
    weights: str | None = None
    weights_sha256: str | None = None

    @property
    def seed_id(self) -> str:
        """What the detector's seeds derive from: ``<kind or space>:<ref>``."""
        return f"{self.space or self.kind}:{self.ref}"

    def backbone(self) -> str | ArchSpec:
        """What :func:`hytnas.detection.ssdlite.build_detector` takes."""
        if self.kind == "torchvision":
            return self.ref
        return resolve_backbone(self.ref, space=self.space)

    def detector_spec(self, num_classes: int, resolution: int) -> Any:
        """The :class:`~hytnas.detection.ssdlite.DetectorSpec` of this backbone's detector (a
        MobileNetV3 with weights gets the full tail its ImageNet checkpoints have)."""
        from hytnas.detection.ssdlite import DetectorSpec

        return DetectorSpec.for_backbone(self.backbone(), num_classes, resolution, pretrained=self.weights is not None)

    def architecture(self) -> dict[str, Any]:
        """The backbone's architecture as plain JSON (what its latency depends on): equal for
        equal architectures, whatever their label."""
        found = self.backbone()
        if isinstance(found, str):
            import torchvision

            out: dict[str, Any] = {"torchvision": found, "version": torchvision.__version__}
            if self.weights is not None:
                out["reduced_tail"] = False
            return out
        spec = found.to_dict()
        spec.pop("name", None)
        return {"spec": spec}

    def identity(self) -> dict[str, Any]:
        """What a trained detector depends on: the architecture and the starting weights."""
        out = self.architecture()
        if self.weights_sha256 is not None:
            out["weights_sha256"] = self.weights_sha256
        return out


def plan_backbones(
    names: Sequence[str], final_models: Path, weights: Mapping[str, str] | None = None
) -> list[DetectionBackbone]:
    """The backbones ``names`` stand for; a pick is read from ``final_models/<label>/spec.json``;
    ``weights`` maps some of the names to classification checkpoints their backbones start from.

    Raises:
        ConfigError: ``weights`` names a backbone not in ``names``.
        SpaceError: an unknown name (one line listing the accepted ones).
        DataError: a pick whose ``spec.json`` is missing (``train_final`` not run) or malformed;
            a weights file that does not exist.
    """
    weights = dict(weights or {})
    stray = [label for label in weights if label not in names]
    if stray:
        raise ConfigError(
            f"detect.backbone_weights: {', '.join(map(repr, stray))} not in detect.backbones ({', '.join(names)})"
        )
    return [_with_weights(b, weights.get(b.label)) for b in _plan(names, final_models)]


def _with_weights(backbone: DetectionBackbone, path: str | None) -> DetectionBackbone:
    if path is None:
        return backbone
    found = Path(path).expanduser().resolve()
    if not found.is_file():
        raise DataError(f"detect.backbone_weights.{backbone.label} = {path}: file not found; expected a classification checkpoint")
    return dataclasses.replace(backbone, weights=str(found), weights_sha256=file_sha256(found))


def _plan(names: Sequence[str], final_models: Path) -> list[DetectionBackbone]:
    from hytnas.nn import list_model_specs
    from hytnas.detection.ssdlite import MOBILENETV3

    out = []
    for name in names:
        if name == MOBILENETV3:
            out.append(DetectionBackbone(name, "torchvision", name))
        elif name in list_model_specs():
            out.append(DetectionBackbone(name, "zoo", name))
        elif name in PICKS:
            path = final_models / name / "spec.json"
            data = read_json(path, f"the spec.json of train_final's pick {name}, which detect.backbones names (run train_final first)")
            if not isinstance(data, dict) or data.get("kind") != "space" or not data.get("ref") or not data.get("space"):
                raise DataError(f"{path}: expected a train_final spec.json of a search-space pick (kind space, ref, space)")
            out.append(DetectionBackbone(name, "space", str(data["ref"]), str(data["space"])))
        else:
            raise SpaceError(
                f"detect.backbones: unknown backbone {name!r}; expected {MOBILENETV3}, one of {', '.join(PICKS)} "
                f"or a network of {', '.join(list_model_specs())}"
            )
    return out


def resolve_backbone(name: str, *, space: str | None = None) -> str | ArchSpec:
    """The backbone ``name`` stands for.

    Args:
        name: ``mobilenetv3_large``; a network of :func:`hytnas.nn.list_model_specs`; an
            ``arch_id`` of ``space``; or a path to a ``spec.json`` written by ``train_final``.
        space: the search space of an ``arch_id`` (default: try none).

    Raises:
        SpaceError: nothing of that name (one line listing what is accepted).
        DataError: a ``spec.json`` that is unreadable or holds no architecture.
    """
    from hytnas.nn import list_model_specs
    from hytnas.detection.ssdlite import MOBILENETV3

    if name == MOBILENETV3:
        return name
    if name in list_model_specs():
        from hytnas.nn import get_model_spec

        return dataclasses.replace(get_model_spec(name), name=name)
    if name.endswith(".json"):
        return _from_spec_file(Path(name))
    if space is not None:
        from hytnas.space import get_space

        found = get_space(space)
        spec = found.to_spec(found.parse_arch_id(name))
        return dataclasses.replace(spec, name=name)
    raise SpaceError(
        f"backbone {name!r}: unknown; expected {MOBILENETV3}, one of {', '.join(list_model_specs())}, "
        "an arch_id with its space, or a spec.json of train_final"
    )


def _from_spec_file(path: Path) -> ArchSpec:
    data = read_json(path, "a backbone spec.json written by train_final")
    if not isinstance(data, dict) or not isinstance(data.get("spec"), dict):
        raise DataError(f"{path}: expected a train_final spec.json with a 'spec' object")
    try:
        spec = ArchSpec.from_dict(data["spec"])
    except (KeyError, TypeError, ValueError) as err:
        raise DataError(f"{path}: 'spec' is not an architecture ({err})") from None
    return dataclasses.replace(spec, name=str(data.get("label") or path.parent.name))


__all__ = ["DetectionBackbone", "PICKS", "REFERENCE_BACKBONES", "plan_backbones", "resolve_backbone"]
