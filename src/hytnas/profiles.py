"""Parameter profiles: overlays of ``params.yaml`` for other scales (``profiles/*.yaml``).

``smoke`` runs the whole pipeline in a few minutes (tests); ``paper`` is the paper's scale.
A profile is applied either as a DVC experiment (``set_args`` gives the ``-S key=value``
arguments) or written into a params file in place, keeping its comments (``apply``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from hytnas.config import parse_params
from hytnas.errors import ConfigError


def load_overlay(path: str | Path) -> dict[str, Any]:
    """Flat ``{"proxy.epochs": 50, ...}`` from a nested overlay file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except OSError as err:
        raise ConfigError(f"{path}: cannot read profile ({err.strerror})") from None
    return _flatten(data)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def set_dotted(tree: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``tree["a"]["b"]["c"] = value`` for ``dotted`` ``a.b.c``, creating missing levels."""
    *parents, leaf = dotted.split(".")
    for part in parents:
        tree = tree.setdefault(part, {})
    tree[leaf] = value


def apply(params_path: str | Path, overlay_path: str | Path) -> None:
    """Write the overlay's values into ``params_path`` (comments kept); validate first."""
    from ruamel.yaml import YAML

    params_path = Path(params_path)
    overlay = load_overlay(overlay_path)
    merged = yaml.safe_load(params_path.read_text()) or {}
    for key, value in overlay.items():
        set_dotted(merged, key, value)
    parse_params(merged, source=f"{params_path} + {overlay_path}")
    rt = YAML()
    rt.preserve_quotes = True
    rt.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    document = rt.load(params_path.read_text())
    for key, value in overlay.items():
        set_dotted(document, key, value)
    from hytnas.io import atomic_open

    with atomic_open(params_path, "w", encoding="utf-8") as handle:
        rt.dump(document, handle)


def set_args(overlay_path: str | Path) -> list[str]:
    """``["-S", "proxy.epochs=50", ...]`` for ``dvc exp run``."""
    args: list[str] = []
    for key, value in load_overlay(overlay_path).items():
        text = json.dumps(value) if not isinstance(value, str) else value
        args += ["-S", f"{key}={text}"]
    return args


if __name__ == "__main__":
    # python -m hytnas.profiles args profiles/paper.yaml | apply params.yaml profiles/smoke.yaml
    if len(sys.argv) >= 3 and sys.argv[1] == "args":
        print(" ".join(f"'{a}'" if a != "-S" else a for a in set_args(sys.argv[2])))
    elif len(sys.argv) == 4 and sys.argv[1] == "apply":
        apply(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python -m hytnas.profiles args OVERLAY | apply PARAMS OVERLAY")
