"""The networks of Table II: the HyT-NAS picks and the reference networks, one description each.

A :class:`FinalNetwork` is plain data (picklable, sent to workers): a search-space
architecture (``kind="space"``: its space and ``arch_id``) or a registered published network
(``kind="zoo"``: its name in :mod:`hytnas.nn.zoo`). It builds its module with a 2-class head
and states what a trained result depends on (:meth:`FinalNetwork.identity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from hytnas.archspec import ArchSpec
from hytnas.errors import ConfigError
from hytnas.final.selection import Pick
from hytnas.names import NETWORK_NAMES

NUM_CLASSES = 2



@dataclass(frozen=True)
class FinalNetwork:
    """One network to train for Table II.

    Attributes:
        label: short unique name (``hytnas_o``, ``mobilenetv1_025``); folder and metric prefix.
        role: ``BL``, ``BA``, ``O`` or ``baseline``.
        kind: ``space`` (an architecture of a search space) or ``zoo`` (a published network).
        ref: the ``arch_id`` (``space``) or the zoo name (``zoo``).
        space: the search space name (``space`` only).
    """

    label: str
    role: str
    kind: str
    ref: str
    space: str | None = None

    @property
    def display_name(self) -> str:
        return NETWORK_NAMES.get(self.label, self.label)

    @property
    def seed_id(self) -> str:
        """What the network's seeds derive from: ``<space>:<arch_id>`` or ``zoo:<name>``."""
        return f"{self.space}:{self.ref}" if self.kind == "space" else f"zoo:{self.ref}"

    def spec(self) -> ArchSpec:
        """The architecture (for a library-built zoo network, the spec describing its layers)."""
        if self.kind == "space":
            from hytnas.space import get_space

            space = get_space(str(self.space))
            return space.to_spec(space.parse_arch_id(self.ref))
        from hytnas.nn import get_model_spec

        return get_model_spec(self.ref)

    def builder(self) -> str:
        """Who builds the module: ``hytnas.nn.build_model`` or the library's source line."""
        if self.kind == "zoo":
            from hytnas.nn import get_zoo_entry

            entry = get_zoo_entry(self.ref)
            if entry.module is not None:
                return entry.source
        return "hytnas.nn.build_model"

    def build(self) -> Any:
        """A freshly initialised ``torch.nn.Module``, ``B x 3 x H x W`` -> ``B x 2``; seed torch
        first for reproducible weights."""
        from hytnas.nn import build_model, get_model

        if self.kind == "zoo":
            return get_model(self.ref, num_classes=NUM_CLASSES)
        return build_model(self.spec(), num_classes=NUM_CLASSES)

    def identity(self) -> dict[str, Any]:
        """The architecture and its builder as plain JSON: equal for equal networks, whatever
        their label (BL and O may be the same architecture and then share results)."""
        spec = self.spec().to_dict()
        spec.pop("name", None)
        return {"spec": spec, "builder": self.builder(), "seed_id": self.seed_id, "num_classes": NUM_CLASSES}


def picked_networks(picks: Sequence[Pick], space: str) -> list[FinalNetwork]:
    """The HyT-NAS networks (BL, BA, O) of a selection in ``space``."""
    return [FinalNetwork(label=p.label, role=p.role, kind="space", ref=p.arch_id, space=space) for p in picks]


def baseline_networks(names: Sequence[str]) -> list[FinalNetwork]:
    """The reference networks ``names`` (registered in :mod:`hytnas.nn.zoo`).

    Raises:
        ConfigError: a name is not a registered network (one line listing the known ones).
    """
    from hytnas.nn import list_model_specs

    known = list_model_specs()
    for name in names:
        if name not in known:
            raise ConfigError(f"final.baselines: unknown network {name!r}; expected one of {', '.join(known)}")
    return [FinalNetwork(label=name, role="baseline", kind="zoo", ref=name) for name in names]


def check_reference(reference: str, baselines: Sequence[str]) -> None:
    """The headline's reference network must be one of the baselines trained."""
    if reference not in baselines:
        raise ConfigError(
            f"final.reference = {reference!r}: not among final.baselines ({', '.join(baselines) or 'none'})"
        )
