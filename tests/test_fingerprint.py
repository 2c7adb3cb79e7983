"""The device fingerprint."""

from __future__ import annotations

import torch

from hytnas.runs.fingerprint import IDENTITY_FIELDS, fingerprint, identity


def test_fingerprint_fields() -> None:
    fp = fingerprint(threads=1)
    for key in ("machine", "cpu_model", "cores_physical", "cores_logical", "cores_usable", "threads", "governor", "torch", "python", "os"):
        assert key in fp
    assert fp["threads"] == 1 and fp["torch"] == torch.__version__
    assert fp["cores_logical"] >= fp["cores_usable"] >= 1
    assert set(identity(fp)) == set(IDENTITY_FIELDS)
    assert identity(fingerprint(threads=2)) == identity(fp)
