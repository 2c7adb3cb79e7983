"""Each layer of ``src/hytnas`` imports only what its layer may (docs/ARCHITECTURE.md, "Layers").

Read from the source: every import statement, at module level or inside a function. The
command-line modules (``cli.py`` and every ``commands.py``) are the CLI layer, above the
library: they may import any area.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.imports import imported_modules

SRC = Path(__file__).resolve().parents[1] / "src"
BASE = {"errors", "io", "names", "seeds"}

ALLOWED: dict[str, set[str]] = {
    # ground: no hytnas imports at all
    "errors": set(),
    "io": {"errors"},
    "seeds": set(),
    "plugins": {"errors"},
    "names": set(),
    # plain descriptions of networks and their analytic costs (no torch)
    "archspec": {"errors"},
    "cost": {"archspec", "errors"},
    "space": {"archspec", "errors"},
    "config": {"errors", "space"},
    # the job layer and the tables and pages built from plain data
    "runs": BASE | {"config"},
    "archs": BASE | {"archspec", "cost", "space", "runs"},
    "results": BASE,
    "profiles": BASE | {"config"},
    # the areas
    "nn": {"archspec", "cost", "errors", "io"},
    "data": BASE | {"config", "runs"},
    "training": BASE | {"data", "runs", "config"},
    "predictors": BASE | {"archspec", "cost", "space", "runs", "config"},
    "search": BASE | {"archs", "archspec", "config", "plugins", "runs", "space"},
    "latency": BASE | {"archs", "config", "cost", "nn", "plugins", "runs", "space"},
    "final": BASE | {"archs", "archspec", "config", "cost", "data", "latency", "nn", "runs", "space", "training"},
    "detection": BASE | {"archs", "archspec", "config", "cost", "data", "latency", "nn", "runs", "space", "training"},
    # the stages: everything but the command line
    "pipeline": BASE
    | {"archs", "archspec", "config", "cost", "data", "final", "latency", "nn", "predictors", "results", "runs",
       "search", "space", "training", "profiles", "plugins", "detection"},
}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "hytnas"


def _library_files() -> list[Path]:
    return [
        p for p in sorted((SRC / "hytnas").rglob("*.py"))
        if p.name != "commands.py" and p.relative_to(SRC / "hytnas").as_posix() not in ("cli.py", "__init__.py")
    ]


def test_every_library_unit_has_a_rule() -> None:
    units = {_unit(".".join(p.relative_to(SRC).with_suffix("").parts)) for p in _library_files()}
    assert units <= set(ALLOWED), f"no layer rule for {sorted(units - set(ALLOWED))} (add it to ALLOWED and docs/ARCHITECTURE.md)"


@pytest.mark.parametrize("path", _library_files(), ids=lambda p: p.relative_to(SRC / "hytnas").as_posix())
def test_module_imports_only_what_its_layer_may(path: Path) -> None:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    me = _unit(".".join(parts))
    wrong = sorted(
        {m for m in imported_modules(path, SRC) if _unit(m) not in (me, "hytnas") and _unit(m) not in ALLOWED[me]}
    )
    assert not wrong, f"{path.relative_to(SRC)} ({me}) imports {', '.join(wrong)}; its layer may import {sorted(ALLOWED[me])}"


def test_the_rule_catches_a_wrong_import(tmp_path: Path) -> None:
    fake = SRC / "hytnas" / "search" / "_probe_not_a_module.py"
    assert not fake.exists()
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from hytnas.nn import build_model\n")
    imported = imported_modules(probe, SRC)
    assert "hytnas.nn" in imported and "nn" not in ALLOWED["search"]
