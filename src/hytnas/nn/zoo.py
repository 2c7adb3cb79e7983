"""Published networks as ArchSpecs: the baselines of the paper's Tables II and III.

``get_model_spec(name)`` returns the :class:`ArchSpec`, ``get_model(name)`` the module (built
by :func:`hytnas.nn.build_model` with the network's own activation, or taken from torchvision
for ``mobilenetv2_035``), ``list_model_specs()`` the names.

Sources:

- ``mobilevit_xxs``/``xs``/``s``: MobileViT paper (Mehta & Rastegari, ICLR 2022, Table 4 and
  Fig. 1b), as in ``timm/models/mobilevit.py`` ``model_cfgs``; the tests compare parameter
  counts with ``timm.create_model(name, num_classes=...)``.
- ``mobilenetv1_025``/``050``: MobileNetV1 (Howard et al., 2017, Table 1) at width 0.25 / 0.5,
  channels ``int(c * alpha)`` as ``tf.keras.applications.MobileNet``; 0.25 at 96 px is the
  MLPerf Tiny Visual Wake Words reference network.
- ``mobilenetv2_035``: torchvision's ``mobilenet_v2(width_mult=0.35)``; ``get_model`` returns
  torchvision's module, the ArchSpec describes the same layers (same parameter count).
- ``proxylessnas_mobile``: see :data:`PROXYLESS_MOBILE_BLOCKS`.
"""

from __future__ import annotations

import dataclasses

from dataclasses import dataclass
from typing import Callable

from torch import nn

from hytnas.archspec import ArchSpec, DWSepStage, MobileViTStage, MV2Stage, StemSpec
from hytnas.errors import SpaceError
from hytnas.nn.builder import build_model


@dataclass(frozen=True)
class ZooEntry:
    """A registered published network.

    Attributes:
        spec: the architecture.
        act: its activation (the builder's ``act``).
        source: where the configuration comes from.
        module: builds the module as ``module(num_classes, dropout)`` when a library model is
            used instead of :func:`build_model` (``None``: build from ``spec``).
    """

    spec: ArchSpec
    act: str
    source: str
    module: Callable[[int, float | None], nn.Module] | None = None

    def __post_init__(self) -> None:
        # The spec carries the network's own activation, so build_model(spec) rebuilds it.
        object.__setattr__(self, "spec", dataclasses.replace(self.spec, act=self.act))


def _mobilevit(
    name: str, channels: tuple[int, ...], widths: tuple[int, int, int], expand: float, head: int
) -> ArchSpec:
    """MobileViT v1: stem 16 -> MV2 c0 -> 3 x MV2 c1 (stride 2) -> 3 MobileViT stages -> 1x1 head.

    Transformer depths 2, 4, 3; 4 heads; feed-forward 2 x width; 2 x 2 patches.
    """
    attention = tuple(
        MobileViTStage(expand=expand, out_channels=c, width=d, heads=4, ffn_dim=2 * d, depth=depth, patch=2, stride=2)
        for c, d, depth in zip(channels[2:], widths, (2, 4, 3))
    )
    return ArchSpec(
        stem=StemSpec(out_channels=16, kernel=3, stride=2),
        stages=(
            MV2Stage(blocks=1, expand=expand, out_channels=channels[0], stride=1),
            MV2Stage(blocks=3, expand=expand, out_channels=channels[1], stride=2),
        )
        + attention,
        head_channels=head,
        name=name,
    )


def _mobilenet_v1(name: str, alpha: float) -> ArchSpec:
    """MobileNetV1: 3x3 conv 32a (stride 2), 13 depthwise-separable blocks, pool, linear."""

    def ch(c: int) -> int:
        return int(c * alpha)

    layout = ((1, 64, 1), (2, 128, 2), (2, 256, 2), (6, 512, 2), (2, 1024, 2))  # (blocks, channels, stride)
    return ArchSpec(
        stem=StemSpec(out_channels=ch(32), kernel=3, stride=2),
        stages=tuple(DWSepStage(blocks=n, out_channels=ch(c), stride=s) for n, c, s in layout),
        head_channels=None,
        name=name,
    )


def _mobilenet_v2_035() -> ArchSpec:
    """torchvision ``mobilenet_v2(width_mult=0.35)``: channels ``_make_divisible(c * 0.35, 8)``."""
    layout = ((1, 1, 8, 1), (6, 2, 8, 2), (6, 3, 16, 2), (6, 4, 24, 2), (6, 3, 32, 1), (6, 3, 56, 2), (6, 1, 112, 1))
    return ArchSpec(
        stem=StemSpec(out_channels=16, kernel=3, stride=2),
        stages=tuple(MV2Stage(blocks=n, expand=t, out_channels=c, stride=s) for t, n, c, s in layout),
        head_channels=1280,
        name="mobilenetv2_035",
    )


# ProxylessNAS-Mobile (Cai, Zhu & Han, ICLR 2019, Fig. 6 "mobile"), block by block as
# (expand, kernel, out_channels, stride). Taken from the released network configuration
# (mit-han-lab/proxylessnas ``proxyless_mobile`` net config), as transcribed in osmr/imgclsmob
# ``pytorch/pytorchcv/models/proxylessnas.py`` (``get_proxylessnas(version="mobile")``). The two
# "zero" (skip) blocks of the 32-channel stage are identities and have no block here. Stem 32
# channels (3x3, stride 2); head 1x1 conv to 1280; ReLU6 throughout. That implementation counts
# 4,080,512 parameters with 1000 classes.
PROXYLESS_MOBILE_BLOCKS: tuple[tuple[float, int, int, int], ...] = (
    (1, 3, 16, 1),
    (3, 5, 32, 2), (3, 3, 32, 1),
    (3, 7, 40, 2), (3, 3, 40, 1), (3, 5, 40, 1), (3, 5, 40, 1),
    (6, 7, 80, 2), (3, 5, 80, 1), (3, 5, 80, 1), (3, 5, 80, 1),
    (6, 5, 96, 1), (3, 5, 96, 1), (3, 5, 96, 1), (3, 5, 96, 1),
    (6, 7, 192, 2), (6, 7, 192, 1), (3, 7, 192, 1), (3, 7, 192, 1),
    (6, 7, 320, 1),
)  # fmt: skip


def _proxylessnas_mobile() -> ArchSpec:
    return ArchSpec(
        stem=StemSpec(out_channels=32, kernel=3, stride=2),
        stages=tuple(
            MV2Stage(blocks=1, expand=float(e), out_channels=c, stride=s, kernel=k)
            for e, k, c, s in PROXYLESS_MOBILE_BLOCKS
        ),
        head_channels=1280,
        name="proxylessnas_mobile",
    )


def _torchvision_mobilenet_v2_035(num_classes: int, dropout: float | None) -> nn.Module:
    from torchvision.models import mobilenet_v2

    kwargs = {} if dropout is None else {"dropout": dropout}
    return mobilenet_v2(weights=None, width_mult=0.35, num_classes=num_classes, **kwargs)


def _entries() -> dict[str, ZooEntry]:
    mobilevit = "MobileViT paper Table 4 / timm mobilevit.py model_cfgs"
    return {
        "mobilevit_xxs": ZooEntry(
            _mobilevit("mobilevit_xxs", (16, 24, 48, 64, 80), (64, 80, 96), 2.0, 320), "silu", mobilevit
        ),
        "mobilevit_xs": ZooEntry(
            _mobilevit("mobilevit_xs", (32, 48, 64, 80, 96), (96, 120, 144), 4.0, 384), "silu", mobilevit
        ),
        "mobilevit_s": ZooEntry(
            _mobilevit("mobilevit_s", (32, 64, 96, 128, 160), (144, 192, 240), 4.0, 640), "silu", mobilevit
        ),
        "mobilenetv1_025": ZooEntry(_mobilenet_v1("mobilenetv1_025", 0.25), "relu", "MobileNetV1 Table 1, alpha 0.25"),
        "mobilenetv1_050": ZooEntry(_mobilenet_v1("mobilenetv1_050", 0.5), "relu", "MobileNetV1 Table 1, alpha 0.5"),
        "mobilenetv2_035": ZooEntry(
            _mobilenet_v2_035(), "relu6", "torchvision mobilenet_v2(width_mult=0.35)", _torchvision_mobilenet_v2_035
        ),
        "proxylessnas_mobile": ZooEntry(_proxylessnas_mobile(), "relu6", "ProxylessNAS mobile net config"),
    }


def list_model_specs() -> list[str]:
    """Names of the registered published networks, sorted."""
    return sorted(_entries())


def get_zoo_entry(name: str) -> ZooEntry:
    """The registry entry of ``name``; :class:`SpaceError` listing the known names otherwise."""
    entries = _entries()
    if name not in entries:
        raise SpaceError(f"unknown model {name!r}; expected one of {', '.join(sorted(entries))}")
    return entries[name]


def get_model_spec(name: str) -> ArchSpec:
    """The :class:`ArchSpec` of the published network ``name``."""
    return get_zoo_entry(name).spec


def get_model(name: str, num_classes: int = 2, *, dropout: float | None = None) -> nn.Module:
    """The published network ``name`` with a ``num_classes`` classifier, randomly initialised.

    Args:
        name: one of :func:`list_model_specs`.
        num_classes: classifier outputs.
        dropout: dropout before the classifier; ``None`` keeps the model's default (0 for
            networks built from their spec, 0.2 for torchvision's MobileNetV2).

    Shapes: ``B x 3 x H x W`` -> ``B x num_classes``.
    """
    entry = get_zoo_entry(name)
    if entry.module is not None:
        return entry.module(num_classes, dropout)
    return build_model(entry.spec, num_classes=num_classes, dropout=dropout or 0.0)
