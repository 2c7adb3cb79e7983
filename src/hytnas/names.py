"""Names for people: how networks and search strategies are shown in tables and pages.

Labels not listed here are shown as they are.
"""

from __future__ import annotations

NETWORK_NAMES: dict[str, str] = {
    "hytnas_bl": "HyT-NAS-BL",
    "hytnas_ba": "HyT-NAS-BA",
    "hytnas_o": "HyT-NAS-O",
    "mobilenetv1_025": "MobileNetV1 x0.25 (MLPerf Tiny)",
    "mobilenetv1_050": "MobileNetV1 x0.5",
    "mobilenetv2_035": "MobileNetV2 x0.35",
    "mobilenetv3_large": "MobileNetV3-Large",
    "proxylessnas_mobile": "ProxylessNAS-Mobile",
    "mobilevit_xxs": "MobileViT-XXS",
    "mobilevit_xs": "MobileViT-XS",
    "mobilevit_s": "MobileViT-S",
}
"""Network label (``final`` and ``detect`` stages) -> display name."""

STRATEGY_NAMES: dict[str, str] = {
    "random": "random search",
    "nsga2": "NSGA-II",
    "gp-mobo": "GP-MOBO",
    "hytnas": "HyT-NAS",
    "qnehvi": "qNEHVI",
    "hytnas-released": "HyT-NAS (authors' released code)",
    "gp-warm": "GP-MOBO, warm-started (ours)",
    "gp-ts": "GP-MOBO, warm-started, Thompson sampling (ours)",
}
"""Search strategy name -> display name."""

__all__ = ["NETWORK_NAMES", "STRATEGY_NAMES"]
