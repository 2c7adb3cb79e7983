"""Detection backbones by name: torchvision's MobileNetV3, a registered network of
:mod:`hytnas.nn.zoo`, an architecture of a search space, or a network saved by ``train_final``.

:func:`resolve_backbone` turns what a user writes (``mobilenetv3_large``, ``mobilevit_xxs``,
an ``arch_id`` with its space, or a ``spec.json`` path such as
``models/final/hytnas_o/spec.json``) into what :func:`hytnas.detection.ssdlite.build_detector`
takes: the name ``mobilenetv3_large`` or an :class:`~hytnas.archspec.ArchSpec`.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from hytnas.archspec import ArchSpec
from hytnas.errors import DataError, SpaceError

REFERENCE_BACKBONES = ("mobilenetv3_large", "mobilevit_xxs", "mobilevit_xs")
"""The paper's Table III references."""


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
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{path}: backbone spec file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: not valid JSON ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("spec"), dict):
        raise DataError(f"{path}: expected a train_final spec.json with a 'spec' object")
    try:
        spec = ArchSpec.from_dict(data["spec"])
    except (KeyError, TypeError, ValueError) as err:
        raise DataError(f"{path}: 'spec' is not an architecture ({err})") from None
    return dataclasses.replace(spec, name=str(data.get("label") or path.parent.name))


__all__ = ["REFERENCE_BACKBONES", "resolve_backbone"]
