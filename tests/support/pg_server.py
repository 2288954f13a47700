"""A throw-away PostgreSQL server on loopback for the team-library tests.

Started from Debian's binaries in a temporary data directory (``scripts/system-deps``
installs them); when they are missing, tests that need it skip with one clear line.
initdb refuses to run as root, so as root the server runs as the ``postgres`` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started here; the message says why, in one line."""


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable("PostgreSQL is not installed (run scripts/system-deps test)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    bin_dir: Path
    data_dir: Path
    port: int
    as_user: str | None

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://briefer@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        result = self._run(
            str(self.bin_dir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "briefer",
            name,
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"createdb failed: {result.stderr.strip()}")
        return self.url(name)

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop")
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_server(settings: Mapping[str, str] | None = None) -> PostgresServer:
    """Initialise and start a server; raises PostgresUnavailable with the reason.

    ``settings``: server settings besides the defaults (``{"shared_buffers": "1GB"}``).
    """
    bin_dir = _bin_dir()
    root = Path(tempfile.mkdtemp(prefix="briefer-pg-"))
    data_dir = root / "data"
    as_user = "postgres" if os.geteuid() == 0 else None
    if as_user:
        shutil.chown(root, user=as_user)
    server = PostgresServer(bin_dir, data_dir, _free_port(), as_user)
    init = server._run(
        str(bin_dir / "initdb"),
        "-D",
        str(data_dir),
        "-U",
        "briefer",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed: {init.stderr.strip().splitlines()[-1:]}")
    options = f"-p {server.port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off"
    options += "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
    start = server._run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data_dir),
        "-o",
        options,
        "-l",
        str(root / "log"),
        "-w",
        "start",
    )
    if start.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(
            f"pg_ctl start failed: {start.stderr.strip() or start.stdout.strip()}"
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", server.port)) == 0:
                return server
        time.sleep(0.1)
    server.stop()
    raise PostgresUnavailable("the PostgreSQL server did not start within 30 s")
