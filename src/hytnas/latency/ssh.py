"""SSH to a measuring device (asyncssh): copy a folder of models, run the timing command, read
its records line by line.

Every failure becomes a :class:`~hytnas.errors.DeviceError` whose message is one line naming
the device (``user@host:port``) and what failed: the connection, the login (key or host key),
the copy, the command's exit status, a line that is not JSON, or the time limit. A batch that
fails after some records arrived keeps them (:class:`BatchRun`), so the caller stores what
was measured before reporting the failure.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hytnas.errors import DeviceError
from hytnas.runs.outcome import one_line

log = logging.getLogger(__name__)
logging.getLogger("asyncssh").setLevel(logging.WARNING)  # its INFO lines narrate every connection
CONNECT_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class DeviceAddress:
    """How to log in to the device.

    Attributes:
        host, port, user: where and as whom.
        key: private key file (``None``: the agent's and ``~/.ssh``'s default keys).
        known_hosts: file the device's host key must be in (``None``: ``~/.ssh/known_hosts``).
    """

    host: str
    port: int = 22
    user: str = "pi"
    key: str | None = None
    known_hosts: str | None = None

    def describe(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


@dataclass
class BatchRun:
    """What one batch returned: the JSON records read (in order) and, when it did not finish,
    the one-line error."""

    records: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of its phases: ``connect``, ``copy``, ``command``."""


def _one_line(text: str, limit: int = 300) -> str:
    return " ".join(str(text).split())[:limit]


async def _connect(address: DeviceAddress) -> Any:
    import asyncssh

    where = address.describe()
    options: dict[str, Any] = {"port": address.port, "username": address.user, "connect_timeout": CONNECT_TIMEOUT_S}
    if address.key is not None:
        if not Path(address.key).is_file():
            raise DeviceError(f"{where}: latency.remote.key = {address.key!r}: no such key file")
        options["client_keys"] = [address.key]
        options["agent_path"] = None
    if address.known_hosts is not None:
        if not Path(address.known_hosts).is_file():
            raise DeviceError(f"{where}: latency.remote.known_hosts = {address.known_hosts!r}: no such file")
        options["known_hosts"] = address.known_hosts
    try:
        return await asyncssh.connect(address.host, **options)
    except asyncssh.PermissionDenied:
        raise DeviceError(f"{where}: login refused (permission denied for key {address.key or 'default keys'})") from None
    except asyncssh.HostKeyNotVerifiable as err:
        raise DeviceError(f"{where}: host key not verified against {address.known_hosts or '~/.ssh/known_hosts'} ({_one_line(err)})") from None
    except (OSError, asyncio.TimeoutError, asyncssh.Error) as err:
        raise DeviceError(f"{where}: cannot connect ({one_line(err)})") from None


async def _batch(address: DeviceAddress, folder: Path, remote: str, command: str, run: BatchRun) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    connection = await _connect(address)
    run.seconds["connect"] = loop.time() - start
    where = address.describe()
    async with connection:
        try:
            start = loop.time()
            await connection.run(f"mkdir -p {shlex.quote(remote)}", check=True)
            async with connection.start_sftp_client() as sftp:
                await sftp.put(sorted(str(p) for p in folder.iterdir()), remote)
            run.seconds["copy"] = loop.time() - start
        except Exception as err:  # noqa: BLE001 - asyncssh raises its own and OS errors
            raise DeviceError(f"{where}: copying {folder.name} to {remote} failed ({one_line(err)})") from None
        start = loop.time()
        full = command.format(models=shlex.quote(remote))
        try:
            process = await connection.create_process(full)
            async for line in process.stdout:
                line = line.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                if not isinstance(record, dict) or "name" not in record:
                    process.terminate()
                    raise DeviceError(f"{where}: `{command}` printed a line that is not a timing record: {_one_line(line, 120)!r}")
                run.records.append(record)
            completed = await process.wait()
            if completed.exit_status != 0:
                lines = str(completed.stderr or "").strip().splitlines()
                last = _one_line(lines[-1]) if lines else "no message"
                raise DeviceError(f"{where}: `{command}` exited with status {completed.exit_status}: {last}")
            run.seconds["command"] = loop.time() - start
        finally:
            try:
                await asyncio.wait_for(connection.run(f"rm -rf {shlex.quote(remote)}"), 30)
            except Exception:  # noqa: BLE001 - cleaning up is best effort on a failing device
                log.warning("%s: could not remove %s", where, remote)


def run_batch(address: DeviceAddress, folder: Path, remote: str, command: str, timeout: float) -> BatchRun:
    """Copy every file of ``folder`` into ``remote`` on the device, run ``command`` (``{models}``
    filled with ``remote``), and read one JSON record per output line; ``remote`` is removed
    afterwards. Never raises for the device's failures: they are the result's ``error``."""
    run = BatchRun()
    try:
        asyncio.run(asyncio.wait_for(_batch(address, folder, remote, command, run), timeout))
    except DeviceError as err:
        run.error = str(err)
    except (asyncio.TimeoutError, TimeoutError):
        run.error = f"{address.describe()}: the batch {folder.name} did not finish within {timeout:g} s (latency.remote.timeout)"
    return run


__all__ = ["BatchRun", "DeviceAddress", "run_batch"]
