"""What a latency task times: any network description that builds itself where the task runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Buildable(Protocol):
    """A picklable description of a network that builds it where the task runs."""

    def build(self) -> Any:
        """The ``torch.nn.Module`` (2-class head), weights from torch's current seed."""
        ...


@dataclass(frozen=True)
class SpaceArch:
    """An architecture ``arch_id`` of the search space ``space``, as a :class:`Buildable`."""

    space: str
    arch_id: str

    def build(self) -> Any:
        from hytnas.nn import build_model
        from hytnas.space import get_space

        space = get_space(self.space)
        return build_model(space.to_spec(space.parse_arch_id(self.arch_id)), num_classes=2)


@dataclass(frozen=True)
class CalibrationNetwork:
    """The fixed calibration network (3 -> 32 -> 32 channels, 3 x 3 convolutions with stride 2
    then 1, ReLU): timed beside the architectures so a drift of the device shows."""

    def build(self) -> Any:
        import torch
        from torch import nn

        torch.manual_seed(0)
        return nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 32, 3, 1, 1), nn.ReLU())


__all__ = ["Buildable", "CalibrationNetwork", "SpaceArch"]
