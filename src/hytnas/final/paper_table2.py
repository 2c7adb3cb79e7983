"""The paper's Table II (Visual Wake Words), as data, for ``reports/table2.md``.

Source: Mecharbat, Benmeziane, Ouarnoughi, Niar, *HyT-NAS: Hybrid Transformers Neural
Architecture Search for Edge Devices*, arXiv:2303.04440 (2023), Table II and its text.
The paper reports accuracy in % on the VWW validation split, latency in ms on a Raspberry Pi
3B at 224x224, and parameters.

Only figures we could trace are filled in; every other cell is ``None`` (shown as "n/a"),
rather than a guess. Each figure carries where it comes from:

- ``table``: the accuracy column of Table II as indexed by Papers with Code for this paper
  (HyT-NAS-BA 92.25, ProxylessNAS 86.55, MobileNetV2 x0.35 86.34, MobileNetV1 83.7); the
  same four figures appear in two other indexes of the paper (hyper.ai, sotaverified.org),
  but the PDF itself was not reachable from where this table was written;
- ``text``: the paper's abstract/text ("outperforms MLPerf MobileNetV1 by 6.3% accuracy with
  3.5x fewer parameters"; HyT-NAS-BL "about 15k parameters");
- ``derived``: computed from the above (HyT-NAS-O accuracy = MobileNetV1's + 6.3 points).

The paper's latencies and the MobileViT rows are not known to us: ``n/a``.
"""

from __future__ import annotations

from dataclasses import dataclass

PAPER_LATENCY_UNIT = "ms, Raspberry Pi 3B, 224x224"
PAPER_O_GAIN_POINTS = 6.3
"""HyT-NAS-O accuracy minus MLPerf Tiny MobileNetV1 accuracy, percentage points (abstract)."""
PAPER_O_PARAM_RATIO = 3.5
"""MLPerf Tiny MobileNetV1 parameters / HyT-NAS-O parameters (abstract)."""
PAPER_BL_PARAMS = 15_000
"""HyT-NAS-BL parameters, approximately (text)."""


@dataclass(frozen=True)
class PaperFigure:
    """One cell: its value (``None``: not known) and its source (``table``, ``text``, ``derived``)."""

    value: float | None
    source: str = ""
    approx: bool = False

    def text(self, digits: int = 2) -> str:
        """The cell as shown in a table: ``n/a``, ``92.25``, ``~15k (text)``, ``90.00 (derived)``."""
        if self.value is None:
            return "n/a"
        value = self.value
        if abs(value) >= 1000 and float(value).is_integer():
            body = f"{value / 1000:g}k"
        else:
            body = f"{value:.{digits}f}"
        body = ("~" if self.approx else "") + body
        return f"{body} ({self.source})" if self.source in ("derived", "text") else body


NA = PaperFigure(None)


@dataclass(frozen=True)
class PaperRow:
    """One row of the paper's Table II.

    Attributes:
        label: our network label the row corresponds to (``hytnas_o``, ``mobilenetv1_025``, ...).
        name: the row's name in the paper.
        accuracy: VWW validation accuracy, %.
        latency_ms: latency on a Raspberry Pi 3B at 224x224, ms.
        params: parameters.
    """

    label: str
    name: str
    accuracy: PaperFigure = NA
    latency_ms: PaperFigure = NA
    params: PaperFigure = NA


_MOBILENETV1_ACC = 83.7

PAPER_TABLE2: tuple[PaperRow, ...] = (
    PaperRow("hytnas_bl", "HyT-NAS-BL", params=PaperFigure(PAPER_BL_PARAMS, "text", approx=True)),
    PaperRow("hytnas_ba", "HyT-NAS-BA", accuracy=PaperFigure(92.25, "table")),
    PaperRow(
        "hytnas_o",
        "HyT-NAS-O",
        accuracy=PaperFigure(round(_MOBILENETV1_ACC + PAPER_O_GAIN_POINTS, 2), "derived"),
    ),
    PaperRow("mobilenetv1_025", "MobileNetV1 (MLPerf Tiny)", accuracy=PaperFigure(_MOBILENETV1_ACC, "table")),
    PaperRow("mobilenetv2_035", "MobileNetV2 (x0.35)", accuracy=PaperFigure(86.34, "table")),
    PaperRow("proxylessnas_mobile", "ProxylessNAS", accuracy=PaperFigure(86.55, "table")),
    PaperRow("mobilevit_xs", "MobileViT-XS"),
    PaperRow("mobilevit_s", "MobileViT-S"),
)


def paper_row(label: str) -> PaperRow | None:
    """The paper's row for our network ``label``, or ``None`` if the paper has none."""
    for row in PAPER_TABLE2:
        if row.label == label:
            return row
    return None
