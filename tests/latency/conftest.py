"""Fixtures for latency tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from hytnas.config import Params

from support.arm_image import NAME, build_image
from support.archs import write_archs
from support.params import quick_params
from support.sshd import Sshd, start_sshd


@pytest.fixture
def arch_table(tmp_path: Path) -> Path:
    """Three sampled table1 architectures, as sample_archs writes them."""
    return write_archs(tmp_path / "archs.csv", 3, sampled_seed=0)


@pytest.fixture
def params() -> Params:
    return quick_params()


@pytest.fixture(scope="session")
def arm_image(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The ARM latency image built once per session: its OCI archive and digest."""
    out = tmp_path_factory.mktemp("arm-image")
    return out / f"{NAME}.oci.tar", build_image(out)


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory):
    """A real sshd on 127.0.0.1 (ended by its PID after the module)."""
    server = start_sshd(tmp_path_factory.mktemp("sshd"))
    yield server
    server.stop()
