"""ArchSpec: a plain, JSON-serializable description of a network.

Search spaces turn genomes into ArchSpecs; only :mod:`hytnas.nn` turns an ArchSpec into a
``torch.nn.Module``. Published networks (MobileViT-XXS/XS/S, MobileNets, ProxylessNAS) are
ArchSpecs too, so the builder is checked against reference implementations.

Layout of every network: ``stem -> stages -> [1x1 head conv] -> global pool -> linear``.

Stage kinds are registered once: a frozen dataclass with a ``kind`` class variable and a
``validate(where)`` method, decorated with :func:`stage_kind`. Everything else about a kind is
looked up by its ``kind`` string in a :class:`KindRegistry` of the module that handles it
(:data:`hytnas.nn.builder.STAGE_BUILDERS`, :data:`hytnas.cost.STAGE_COST_MODELS`,
:data:`hytnas.predictors.costs.BATCH_COST_MODELS`).

This module imports no torch: :func:`validate_spec` and the channel rounding rules
(:func:`make_divisible`, :func:`ir_hidden_channels`) are shared by the builder and the analytic
cost model.
"""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Callable, ClassVar, Dict, TypeVar, Union

from hytnas.errors import SpaceError

IN_CHANNELS = 3  # RGB input images

T = TypeVar("T")


class KindRegistry(Dict[str, T]):
    """Objects (stage classes, builders, cost functions) keyed by stage kind, in registration order.

    A plain ``dict`` with a registering decorator and a lookup whose error is one line naming the
    kind and the known ones.

    Args:
        what: what is registered, for messages (e.g. ``"builder"``).
        error: exception class raised by :meth:`lookup` for an unknown kind.
    """

    def __init__(self, what: str, error: type[Exception] = SpaceError) -> None:
        super().__init__()
        self.what = what
        self.error = error

    def register(self, kind: str) -> Callable[[T], T]:
        """Decorator registering its argument under ``kind``; a kind is registered at most once."""

        def decorate(obj: T) -> T:
            if kind in self:
                raise ValueError(f"a {self.what} for stage kind {kind!r} is already registered")
            self[kind] = obj
            return obj

        return decorate

    def unregister(self, kind: str) -> None:
        """Forget ``kind`` (no error if it is not registered)."""
        self.pop(kind, None)

    def lookup(self, kind: str) -> T:
        """The object registered for ``kind``; raises ``self.error`` naming the known kinds."""
        try:
            return self[kind]
        except KeyError:
            raise self.error(
                f"stage kind {kind!r} has no {self.what}; known kinds: {', '.join(self) or 'none'}"
            ) from None


STAGE_KINDS: KindRegistry[type] = KindRegistry("stage class")


def stage_kind(cls: type[T]) -> type[T]:
    """Class decorator registering a stage dataclass under its ``kind`` class variable.

    The class must define ``kind: ClassVar[str]``, ``out_channels`` and ``stride`` (for the
    network layout) and ``validate(where: str) -> None`` (raising a one-line :class:`SpaceError`
    prefixed with ``where``).
    """
    kind = getattr(cls, "kind", None)
    if not isinstance(kind, str) or not kind:
        raise TypeError(f"{cls.__name__}: a stage class needs a non-empty `kind: ClassVar[str]`")
    if not callable(getattr(cls, "validate", None)):
        raise TypeError(f"{cls.__name__}: a stage class needs a `validate(where)` method")
    return STAGE_KINDS.register(kind)(cls)


# --- value checks (one-line SpaceError: "<where>: <name> = <value>, expected ...") -------------


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(where: str, name: str, value: Any, minimum: int) -> None:
    """Raise :class:`SpaceError` unless ``value`` is an integer (not a bool) ``>= minimum``."""
    if not _is_int(value) or value < minimum:
        raise SpaceError(f"{where}: {name} = {value!r}, expected an integer >= {minimum}")


def check_kernel(where: str, value: Any) -> None:
    """Raise :class:`SpaceError` unless ``value`` is an odd integer ``>= 1`` (a kernel size)."""
    if not _is_int(value) or value < 1 or value % 2 == 0:
        raise SpaceError(f"{where}: kernel = {value!r}, expected an odd integer >= 1")


def check_expand(where: str, value: Any) -> None:
    """Raise :class:`SpaceError` unless ``value`` is a finite real number ``> 0``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise SpaceError(f"{where}: expand = {value!r}, expected a number > 0")


# --- channel rounding ---------------------------------------------------------------------------


def make_divisible(value: float, divisor: int = 8, min_value: int | None = None, round_limit: float = 0.9) -> int:
    """Round ``value`` to the nearest multiple of ``divisor``, never below ``round_limit * value``.

    Same rule as ``timm.layers.make_divisible`` and torchvision's ``_make_divisible``.
    """
    min_value = min_value or divisor
    new_value = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if new_value < round_limit * value:
        new_value += divisor
    return new_value


def ir_hidden_channels(in_channels: int, expand: float) -> int:
    """Hidden (depthwise) width of an inverted residual: ``in`` if ``expand == 1``, else rounded."""
    if expand == 1:
        return int(in_channels)
    return make_divisible(in_channels * expand)


@dataclass(frozen=True)
class StemSpec:
    """Plain convolution + BN + activation at the input.

    Attributes:
        out_channels: output channels.
        kernel: square kernel size in pixels.
        stride: spatial stride.
    """

    out_channels: int
    kernel: int = 3
    stride: int = 2


@stage_kind
@dataclass(frozen=True)
class MV2Stage:
    """A stack of MobileNetV2 inverted-residual blocks; the first block carries the stride.

    Attributes:
        blocks: number of blocks.
        expand: expansion ratio (hidden channels = input channels x expand).
        out_channels: output channels of every block.
        stride: stride of the first block (1 or 2).
        kernel: depthwise kernel size.
    """

    kind: ClassVar[str] = "mv2"
    blocks: int
    expand: float
    out_channels: int
    stride: int = 1
    kernel: int = 3

    def validate(self, where: str) -> None:
        """Raise a one-line :class:`SpaceError` starting with ``where`` if a field is invalid."""
        check_int(where, "blocks", self.blocks, 1)
        check_int(where, "out_channels", self.out_channels, 1)
        check_int(where, "stride", self.stride, 1)
        check_kernel(where, self.kernel)
        check_expand(where, self.expand)


@stage_kind
@dataclass(frozen=True)
class DWSepStage:
    """A stack of MobileNetV1 depthwise-separable blocks (3x3 depthwise, 1x1 pointwise).

    Attributes:
        blocks: number of blocks.
        out_channels: output channels of every block.
        stride: stride of the first block.
    """

    kind: ClassVar[str] = "dwsep"
    blocks: int
    out_channels: int
    stride: int = 1

    def validate(self, where: str) -> None:
        """Raise a one-line :class:`SpaceError` starting with ``where`` if a field is invalid."""
        check_int(where, "blocks", self.blocks, 1)
        check_int(where, "out_channels", self.out_channels, 1)
        check_int(where, "stride", self.stride, 1)


@stage_kind
@dataclass(frozen=True)
class MobileViTStage:
    """An MV2 block (usually stride 2) followed by a MobileViT block.

    The MobileViT block: local 3x3 conv, 1x1 conv to ``width``, unfold into
    ``patch x patch`` patches, ``depth`` transformer encoder layers of ``heads`` heads and
    feed-forward width ``ffn_dim``, fold, 1x1 conv back to ``out_channels``, concatenation
    with the block input, 3x3 fusion conv.

    Attributes:
        expand: expansion ratio of the MV2 block in front.
        out_channels: channels of the MV2 block and of the stage output.
        width: transformer embedding width d (a multiple of ``heads``).
        heads: attention heads.
        ffn_dim: hidden width of each transformer feed-forward layer.
        depth: transformer encoder layers.
        patch: patch height = width in pixels of the feature map.
        stride: stride of the MV2 block.
    """

    kind: ClassVar[str] = "mobilevit"
    expand: float
    out_channels: int
    width: int
    heads: int
    ffn_dim: int
    depth: int
    patch: int = 2
    stride: int = 2

    def validate(self, where: str) -> None:
        """Raise a one-line :class:`SpaceError` starting with ``where`` if a field is invalid."""
        check_expand(where, self.expand)
        check_int(where, "out_channels", self.out_channels, 1)
        check_int(where, "width", self.width, 1)
        check_int(where, "heads", self.heads, 1)
        check_int(where, "ffn_dim", self.ffn_dim, 1)
        check_int(where, "depth", self.depth, 1)
        check_int(where, "patch", self.patch, 1)
        check_int(where, "stride", self.stride, 1)
        if self.width % self.heads:
            raise SpaceError(f"{where}: width = {self.width} is not a multiple of heads = {self.heads}")


# The built-in kinds, for type hints; a kind registered elsewhere is any class in STAGE_KINDS.
StageSpec = Union[MV2Stage, DWSepStage, MobileViTStage]


@dataclass(frozen=True)
class ArchSpec:
    """A whole network.

    Attributes:
        stem: the input convolution.
        stages: the body, in order.
        head_channels: channels of the 1x1 conv before global pooling, or None for none.
        act: activation everywhere (``silu`` as MobileViT; ``relu``/``relu6`` for MobileNets).
        name: a human-readable label (not part of the architecture's identity).
    """

    stem: StemSpec
    stages: tuple[StageSpec, ...]
    head_channels: int | None = None
    act: str = "silu"
    name: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict, stable key order, each stage tagged with its ``kind``."""
        return {
            "name": self.name,
            "stem": asdict(self.stem),
            "stages": [{"kind": s.kind, **asdict(s)} for s in self.stages],
            "head_channels": self.head_channels,
            "act": self.act,
        }

    def to_json(self) -> str:
        """Compact, deterministic JSON string."""
        return json.dumps(self.to_dict(), sort_keys=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ArchSpec":
        """Inverse of :meth:`to_dict`; raises ``ValueError`` naming a bad stage kind or field."""
        stages = []
        for i, raw in enumerate(data["stages"]):
            raw = dict(raw)
            kind = raw.pop("kind", None)
            if kind not in STAGE_KINDS:
                raise ValueError(f"stage {i}: unknown kind {kind!r}, expected one of {sorted(STAGE_KINDS)}")
            stage_cls = STAGE_KINDS[kind]
            allowed = {f.name for f in fields(stage_cls)}
            unknown = set(raw) - allowed
            if unknown:
                raise ValueError(f"stage {i} ({kind}): unknown field(s) {sorted(unknown)}")
            stages.append(stage_cls(**raw))
        return cls(
            stem=StemSpec(**data["stem"]),
            stages=tuple(stages),
            head_channels=data.get("head_channels"),
            act=data.get("act", "silu"),
            name=data.get("name", ""),
        )

    @classmethod
    def from_json(cls, text: str) -> "ArchSpec":
        return cls.from_dict(json.loads(text))

    @property
    def out_channels(self) -> int:
        """Channels entering global pooling."""
        if self.head_channels:
            return self.head_channels
        return self.stages[-1].out_channels if self.stages else self.stem.out_channels


def _one_of(names: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def validate_spec(spec: ArchSpec) -> None:
    """Raise :class:`SpaceError` (one line: stage index and field) if ``spec`` cannot be built.

    Checks the stem, every stage (by its own ``validate``) and the head; a stage whose class is
    not registered with :func:`stage_kind` is named with the registered kinds.
    """
    if not isinstance(spec, ArchSpec):
        raise SpaceError(f"expected an ArchSpec, got {type(spec).__name__}")
    if not isinstance(spec.stem, StemSpec):
        raise SpaceError(f"stem: expected a StemSpec, got {type(spec.stem).__name__}")
    check_int("stem", "out_channels", spec.stem.out_channels, 1)
    check_kernel("stem", spec.stem.kernel)
    check_int("stem", "stride", spec.stem.stride, 1)
    for i, stage in enumerate(spec.stages):
        if not isinstance(stage, tuple(STAGE_KINDS.values())):
            raise SpaceError(
                f"stage {i}: unknown stage type {type(stage).__name__}, expected {_one_of(list(STAGE_KINDS))}"
            )
        stage.validate(f"stage {i} ({stage.kind})")
    if spec.head_channels is not None:
        check_int("head", "head_channels", spec.head_channels, 1)
