"""A real OpenSSH server on 127.0.0.1 for the remote latency backend's tests.

:func:`start_sshd` writes a host key, a client key and a minimal config into a folder and starts
``sshd -D`` on a free port of 127.0.0.1 inside a private mount namespace (its own ``/run``, so
the privilege-separation folder ``/run/sshd`` never touches the host); :meth:`Sshd.stop` ends
it by its PID. Logging in as root with the client key runs commands as this machine's root.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


@dataclass
class Sshd:
    """A running sshd: where it listens and the files a client needs."""

    port: int
    client_key: Path
    known_hosts: Path
    process: subprocess.Popen
    folder: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def start_sshd(folder: Path) -> Sshd:
    """sshd on 127.0.0.1 (fails the test with one line when openssh-server is missing)."""
    missing = [tool for tool in ("/usr/sbin/sshd", "ssh-keygen", "unshare") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: `make setup` installs openssh-server as root (scripts/install-system.sh)")
    folder.mkdir(parents=True, exist_ok=True)
    host_key = keygen(folder / "host_ed25519")
    client_key = keygen(folder / "client_ed25519")
    shutil.copy(client_key.with_suffix(".pub"), folder / "authorized_keys")
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                f"PidFile {folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {folder / 'authorized_keys'}",
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "Subsystem sftp internal-sftp",
                "LogLevel ERROR",
                "",
            ]
        )
    )
    known = folder / "known_hosts"
    known.write_text(f"[127.0.0.1]:{port} {host_key.with_suffix('.pub').read_text().split(' ', 2)[0]} "
                     f"{host_key.with_suffix('.pub').read_text().split(' ', 2)[1]}\n")
    process = subprocess.Popen(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c",
         f"mount -t tmpfs tmpfs /run && mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e -f {config}"],
        stdout=subprocess.DEVNULL, stderr=open(folder / "sshd.log", "w"),
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sshd exited at start: {(folder / 'sshd.log').read_text()[-500:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return Sshd(port, client_key, known, process, folder)
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"sshd did not listen on 127.0.0.1:{port} within 15 s")
