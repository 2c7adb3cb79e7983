"""Latency backends: where networks are timed, behind one small protocol.

A *measuring* backend (:class:`MeasuringBackend`) times networks itself, one task per
network, run through an :class:`~hytnas.runs.executor.Executor` with results stored per key
(:func:`hytnas.latency.timing.time_networks`). ``local`` times on the machines the executor
runs on. A remote device (e.g. a Raspberry Pi reached over SSH) fits the same seam: its
``environment()`` returns the device's fingerprint and its ``executor()`` is the device
itself: ``remote`` (:mod:`hytnas.latency.remote`) exports each network to ONNX here and times
the models on an SSH-reachable device in batches. A network to time is any :class:`Buildable`: a search-space architecture
(:class:`SpaceArch`, ``measure_latency``) or a Table II network (``train_final``). Register a
backend with :func:`register_backend`.

The ``import`` backend is not a measuring backend: it validates a table measured elsewhere
(:mod:`hytnas.latency.import_csv`).
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, runtime_checkable

from hytnas.errors import ConfigError
from hytnas.plugins import LATENCY_BACKENDS, load
from hytnas.latency.networks import Buildable, SpaceArch
from hytnas.latency.protocol import LatencyProtocol
from hytnas.runs.executor import Executor
from hytnas.runs.outcome import TaskFn


@runtime_checkable
class MeasuringBackend(Protocol):
    """What :func:`~hytnas.latency.timing.time_networks` needs of a backend that times networks.

    Attributes:
        name: backend name as in ``latency.backend``.
        protocol: the measurement protocol.
        task: top-level picklable function, ``payload -> outcome`` whose result holds the
            :data:`~hytnas.latency.protocol.RESULT_COLUMNS` and whose source holds the
            fingerprint of the device that measured; takes :meth:`payload`'s value.
    """

    name: str
    protocol: LatencyProtocol
    task: TaskFn

    def executor(self) -> Executor:
        """Where the tasks run (opened by the caller, closed with ``with``)."""
        ...

    def environment(self, executor: Executor) -> dict[str, Any]:
        """Fingerprint of the device measured (:func:`~hytnas.runs.fingerprint.fingerprint`
        fields); its identity fields are part of every result key."""
        ...

    def payload(self, network: Buildable, seed: int) -> Any:
        """``task``'s argument for one network (weights and input seeded by ``seed``)."""
        ...


BackendFactory = Callable[..., MeasuringBackend]
_BACKENDS: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make ``latency.backend: name`` build its backend with
    ``factory(protocol=..., executor_cfg=..., latency_cfg=...)``."""
    _BACKENDS[name] = factory


def get_backend(name: str, **kwargs: Any) -> MeasuringBackend:
    """The measuring backend ``name`` (``local`` built in; others registered here or declared by
    an installed package, :mod:`hytnas.plugins`)."""
    for plugin, factory in load(LATENCY_BACKENDS).items():
        _BACKENDS.setdefault(plugin, factory)
    if name not in _BACKENDS:
        raise ConfigError(
            f"latency.backend = {name!r}: not a measuring backend; expected import or a registered backend: "
            f"{', '.join(sorted(_BACKENDS))}"
        )
    return _BACKENDS[name](**kwargs)


def _local(**kwargs: Any) -> MeasuringBackend:
    from hytnas.latency.local import LocalBackend

    return LocalBackend.from_config(**kwargs)


def _remote(**kwargs: Any) -> MeasuringBackend:
    from hytnas.latency.remote import RemoteBackend

    return RemoteBackend.from_config(**kwargs)


register_backend("local", _local)
register_backend("remote", _remote)

__all__ = ["Buildable", "MeasuringBackend", "SpaceArch", "get_backend", "register_backend"]
