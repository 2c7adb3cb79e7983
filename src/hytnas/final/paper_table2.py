"""The paper's Table II (Visual Wake Words), as data, for ``reports/table2.md``.

Source: Mecharbat, Benmeziane, Ouarnoughi, Niar, *HyT-NAS: Hybrid Transformers Neural
Architecture Search for Edge Devices*, arXiv:2303.04440 (2023), Table II and its text, as
transcribed in ``../shared/paper-data/paper_tables.md`` (the tests compare every figure with it).

Units, as in the paper: accuracy in % on VWW; latency in **seconds** on a Raspberry Pi 3B at
224x224 input (the authors' released latency file spans 655-3,145 ms, consistent with it);
parameters in millions, counted with whatever classifier head the paper used (see
:mod:`hytnas.final.paper_params`); ``hardware_aware``: the network comes from a hardware-aware
search (the table's last column).

The headline figures are computed from the table (:func:`paper_headline`); the rounded claims of
the abstract and the text are kept beside them (``PAPER_TEXT_*``).
"""

from __future__ import annotations

from dataclasses import dataclass

PAPER_LATENCY_SETTING = "Raspberry Pi 3B, 224x224"
"""Where and at which input size the paper's latencies were measured."""
PAPER_REFERENCE = "mobilenetv1_025"
"""Our label of the paper's reference row ("MLPerf MobileNetV1"), which HyT-NAS-O and -BL are
compared with."""

PAPER_TEXT_O_GAIN_POINTS = 6.3
"""HyT-NAS-O accuracy minus MobileNetV1 accuracy, percentage points, as rounded in the abstract."""
PAPER_TEXT_O_PARAM_RATIO = 3.5
"""MobileNetV1 parameters / HyT-NAS-O parameters, as rounded in the abstract."""
PAPER_TEXT_BL_PARAMS = 15_000
"""HyT-NAS-BL parameters, as in the text ("only contains 15k parameters")."""
PAPER_TEXT_O_PARAMS = 187_000
"""HyT-NAS-O parameters, as in the text ("decreases the number of parameters to 187k")."""


@dataclass(frozen=True)
class PaperRow:
    """One row of the paper's Table II.

    Attributes:
        label: our network label the row corresponds to (``hytnas_o``, ``mobilenetv1_025``, ...).
        name: the row's name in the paper.
        accuracy: VWW accuracy, %.
        latency_s: latency on a Raspberry Pi 3B at 224x224, seconds.
        params_m: parameters, millions.
        hardware_aware: found by a hardware-aware search.
    """

    label: str
    name: str
    accuracy: float
    latency_s: float
    params_m: float
    hardware_aware: bool

    @property
    def params(self) -> int:
        """Parameters (a count, not millions)."""
        return round(self.params_m * 1_000_000)


PAPER_TABLE2: tuple[PaperRow, ...] = (
    PaperRow("mobilenetv1_025", "MobileNetV1", 83.7, 2.61, 0.67, False),
    PaperRow("mobilenetv2_035", "MobileNetV2 (x0.35)", 86.34, 4.23, 1.7, False),
    PaperRow("proxylessnas_mobile", "ProxylessNAS", 86.55, 2.51, 4.0, True),
    PaperRow("mobilevit_xs", "MobileViT-XS", 82.14, 2.08, 2.3, False),
    PaperRow("mobilevit_s", "MobileViT-S", 84.64, 2.49, 5.6, False),
    PaperRow("hytnas_bl", "HyT-NAS-BL", 85.48, 0.47, 0.015, True),
    PaperRow("hytnas_ba", "HyT-NAS-BA", 92.25, 2.04, 2.7, True),
    PaperRow("hytnas_o", "HyT-NAS-O", 90.02, 0.63, 0.187, True),
)


def paper_row(label: str) -> PaperRow | None:
    """The paper's row for our network ``label``, or ``None`` if the paper has none."""
    for row in PAPER_TABLE2:
        if row.label == label:
            return row
    return None


def paper_headline() -> dict[str, float | int]:
    """The headline's figures computed from the paper's Table II, keyed as
    :func:`hytnas.final.summary.headline` keys ours.

    Returns:
        ``o_acc_gain``: HyT-NAS-O accuracy minus MobileNetV1's, percentage points (to the
        table's 0.01); ``o_param_ratio``, ``o_latency_ratio``: MobileNetV1 parameters and latency
        over HyT-NAS-O's; ``bl_params``: HyT-NAS-BL parameters (a count);
        ``bl_param_ratio``, ``bl_latency_ratio``: MobileNetV1 over HyT-NAS-BL.
    """
    rows = {row.label: row for row in PAPER_TABLE2}
    ref, o, bl = rows[PAPER_REFERENCE], rows["hytnas_o"], rows["hytnas_bl"]
    return {
        "o_acc_gain": round(o.accuracy - ref.accuracy, 2),
        "o_param_ratio": ref.params_m / o.params_m,
        "o_latency_ratio": ref.latency_s / o.latency_s,
        "bl_params": bl.params,
        "bl_param_ratio": ref.params_m / bl.params_m,
        "bl_latency_ratio": ref.latency_s / bl.latency_s,
    }


__all__ = [
    "PAPER_LATENCY_SETTING",
    "PAPER_REFERENCE",
    "PAPER_TABLE2",
    "PAPER_TEXT_BL_PARAMS",
    "PAPER_TEXT_O_GAIN_POINTS",
    "PAPER_TEXT_O_PARAMS",
    "PAPER_TEXT_O_PARAM_RATIO",
    "PaperRow",
    "paper_headline",
    "paper_row",
]
