"""The import closure of a script inside ``src/hytnas``, read from the source (nothing is run).

Every ``import`` and ``from ... import`` statement counts, at module level or inside a
function (a stage's lazily imported module changes its results as much as any other), and
importing ``hytnas.a.b`` also runs ``hytnas/__init__.py`` and ``hytnas/a/__init__.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "hytnas"


def module_file(src: Path, module: str) -> Path | None:
    """The file of ``module`` (``hytnas.x.y``) under ``src``, or ``None`` if it is not one."""
    base = src.joinpath(*module.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _module_name(src: Path, path: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, src: Path) -> set[str]:
    """``hytnas`` modules named by the import statements of ``path`` (parents included, and a
    ``from package import name`` counted as ``package.name`` when that is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_name(src, path) if path.is_relative_to(src) else ""
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = here.split(".") if is_package else here.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    out: set[str] = set()
    for name in names:
        if name != PACKAGE and not name.startswith(PACKAGE + "."):
            continue
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if module_file(src, prefix) is not None:
                out.add(prefix)
    return out


def import_closure(script: Path, src: Path) -> set[Path]:
    """Files under ``src/hytnas`` that running ``script`` may import."""
    seen: set[Path] = set()
    todo = [script]
    while todo:
        path = todo.pop()
        for module in imported_modules(path, src):
            found = module_file(src, module)
            if found is not None and found not in seen:
                seen.add(found)
                todo.append(found)
    return seen
