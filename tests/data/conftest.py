"""Fixtures of the data tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.coco import write_coco2014_tree


@pytest.fixture
def coco2014_tree(tmp_path: Path) -> Path:
    """A tiny COCO 2014-shaped folder (:func:`support.coco.write_coco2014_tree`)."""
    return write_coco2014_tree(tmp_path / "coco")
