"""Latency backends: where architectures are timed, behind one small protocol.

A *measuring* backend (:class:`MeasuringBackend`) times architectures itself, one task per
architecture, run through an :class:`~hytnas.executor.Executor` with results stored per key
(:mod:`hytnas.jobs`). ``local`` times on the machines the executor runs on. A remote device
(e.g. a Raspberry Pi reached over SSH) fits the same seam: its ``environment()`` returns the
device's fingerprint, its ``task`` ships one model to the device and returns the timings,
and its ``executor()`` is an :class:`~hytnas.executor.InlineExecutor` (one device) or a pool
of one worker per device. Its ``payload`` names a search-space architecture
(``measure_latency``); its ``network_payload`` any :class:`Buildable` network, such as the
Table II baselines of ``train_final``. Register it with :func:`register_backend`.

The ``import`` backend is not a measuring backend: it validates a table measured elsewhere
(:mod:`hytnas.latency.import_csv`).
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, runtime_checkable

from hytnas.executor import Executor, TaskFn
from hytnas.latency.protocol import LatencyProtocol


class Buildable(Protocol):
    """A picklable description of a network that builds it where the task runs."""

    def build(self) -> Any:
        """The ``torch.nn.Module`` (2-class head), weights from torch's current seed."""
        ...


@runtime_checkable
class MeasuringBackend(Protocol):
    """What :func:`hytnas.latency.stage.measure` needs of a backend that times networks.

    Attributes:
        name: backend name as in ``latency.backend``.
        protocol: the measurement protocol.
        task: top-level picklable function, ``payload -> outcome`` whose result holds the
            :data:`~hytnas.latency.protocol.RESULT_COLUMNS` and whose source holds the
            fingerprint of the device that measured; takes :meth:`payload`'s value.
        network_task: the same for :meth:`network_payload`'s value.
    """

    name: str
    protocol: LatencyProtocol
    task: TaskFn
    network_task: TaskFn

    def executor(self) -> Executor:
        """Where the tasks run (opened by the caller, closed with ``with``)."""
        ...

    def environment(self, executor: Executor) -> dict[str, Any]:
        """Fingerprint of the device measured (:func:`~hytnas.latency.fingerprint.fingerprint`
        fields); its identity fields are part of every result key."""
        ...

    def payload(self, space: str, arch_id: str, seed: int) -> Any:
        """``task``'s argument for one architecture of a search space."""
        ...

    def network_payload(self, network: Buildable, seed: int) -> Any:
        """``network_task``'s argument for any network."""
        ...


BackendFactory = Callable[..., MeasuringBackend]
_BACKENDS: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make ``latency.backend: name`` build its backend with
    ``factory(protocol=..., executor_cfg=..., latency_cfg=...)``."""
    _BACKENDS[name] = factory


def get_backend(name: str, **kwargs: Any) -> MeasuringBackend:
    """The measuring backend ``name`` (``local`` built in)."""
    if name not in _BACKENDS:
        from hytnas.errors import ConfigError

        raise ConfigError(f"latency.backend = {name!r}: not a measuring backend; expected one of {', '.join(sorted(_BACKENDS))}")
    return _BACKENDS[name](**kwargs)


def _local(**kwargs: Any) -> MeasuringBackend:
    from hytnas.latency.local import LocalBackend

    return LocalBackend.from_config(**kwargs)


register_backend("local", _local)
