"""DVC dependencies that cannot drift, and layers that keep to themselves.

For every stage of ``dvc.yaml``, the import closure of its script inside ``src/hytnas`` (read
from the source: module-level and lazy imports, and the packages' ``__init__`` files) must be
covered by the stage's ``deps:``; otherwise a change in an uncovered module would leave a stale
result that ``dvc repro`` calls up to date.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.imports import import_closure

REPO = Path(__file__).resolve().parents[1]
STAGES = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]


def _script(stage: dict) -> Path:
    return REPO / next(token for token in stage["cmd"].split() if token.startswith("stages/"))


@pytest.mark.parametrize("name", sorted(STAGES))
def test_stage_runs_the_code_of_its_own_checkout(name: str) -> None:
    # `dvc exp run --temp/--queue` runs stages in a copy of the repository; with the editable
    # install alone they would import the work tree's src/, not the copy's.
    assert STAGES[name]["cmd"].lstrip().startswith("PYTHONPATH=src python stages/"), f"stage {name}: {STAGES[name]['cmd'][:60]}"


def test_pythonpath_src_wins_over_the_editable_install(tmp_path: Path) -> None:
    (tmp_path / "src" / "hytnas").mkdir(parents=True)
    (tmp_path / "src" / "hytnas" / "__init__.py").write_text("COPY = True\n")
    code = "import hytnas; print(hytnas.__file__)"
    done = subprocess.run(f"PYTHONPATH=src {sys.executable} -c '{code}'", shell=True, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=True)
    assert Path(done.stdout.strip()).resolve() == (tmp_path / "src" / "hytnas" / "__init__.py").resolve()


def _covered(path: Path, deps: list[str]) -> bool:
    relative = path.relative_to(REPO).as_posix()
    return any(relative == dep or relative.startswith(dep.rstrip("/") + "/") for dep in deps)


@pytest.mark.parametrize("name", sorted(STAGES))
def test_stage_deps_cover_every_module_its_script_imports(name: str) -> None:
    stage = STAGES[name]
    script = _script(stage)
    deps = [str(d) for d in stage.get("deps", [])]
    assert script.relative_to(REPO).as_posix() in deps, f"stage {name}: deps lack its own script {script.name}"
    closure = import_closure(script, REPO / "src")
    assert closure, f"stage {name}: {script.name} imports nothing from src/hytnas"
    missing = sorted(p.relative_to(REPO).as_posix() for p in closure if not _covered(p, deps))
    assert not missing, f"stage {name}: deps do not cover {', '.join(missing)}"


def test_the_closure_sees_lazy_imports(tmp_path: Path) -> None:
    script = tmp_path / "stage.py"
    script.write_text("def main():\n    from hytnas.training.loop import train\n")
    closure = {p.relative_to(REPO / "src").as_posix() for p in import_closure(script, REPO / "src")}
    assert {"hytnas/__init__.py", "hytnas/training/__init__.py", "hytnas/training/loop.py"} <= closure
    assert "hytnas/training/recipe.py" in closure  # what the loop itself imports


@pytest.mark.parametrize("module", ["hytnas.config", "hytnas.search", "hytnas.predictors", "hytnas.cost",
                                    "hytnas.archspec", "hytnas.runs", "hytnas.training", "hytnas.seeds"])
def test_layers_without_torch_import_no_torch(module: str) -> None:
    code = f"import sys, {module}; bad = [m for m in ('torch', 'torchvision', 'timm') if m in sys.modules]; print(bad); sys.exit(bool(bad))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"importing {module} imports {done.stdout.strip()} {done.stderr[-300:]}"


def test_no_print_in_library_code() -> None:
    """Library code logs; only the command-line modules print."""
    import ast

    allowed = {"cli.py", "commands.py", "script.py", "profiles.py", "device_timer.py"}  # device_timer: the ARM image's program
    offenders = []
    for path in sorted((REPO / "src" / "hytnas").rglob("*.py")):
        if path.name in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not offenders, "print in library code: " + ", ".join(offenders)


def test_every_stage_script_is_one_call_of_its_run() -> None:
    """``stages/<stage>.py`` is argument parsing plus ``hytnas.pipeline.<stage>.run``."""
    for name, stage in STAGES.items():
        text = _script(stage).read_text()
        assert f"from hytnas.pipeline.{name} import" in text, f"stages/{name}.py does not call hytnas.pipeline.{name}"
        assert "stage_main(" in text and "run" in text, f"stages/{name}.py does not go through stage_main"
        assert len(text.splitlines()) <= 25, f"stages/{name}.py holds logic ({len(text.splitlines())} lines)"
