"""A PostgreSQL server of the test's own, in a temporary directory, that a test may stop and restart.

The machine's server on 127.0.0.1:5432 is shared (other test runs, CI's own test process hold
connections to it) and must never be restarted by a test. A test that needs a real restart starts
this one instead: `initdb` in a temporary directory, trust authentication, a free port on
127.0.0.1, durability off (a test cluster has nothing to lose).

`initdb` and the server refuse to run as root. When the tests run as root (CI does), they run as
the `postgres` system user that the Debian PostgreSQL packages create; `PrivatePostgres.unavailable()`
says why no cluster can be made, for the fixture to skip with that reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
max_connections = 30
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
"""


def _bindir() -> Path | None:
    """PostgreSQL's server programs: $PG_BINDIR, else the newest /usr/lib/postgresql/<version>/bin."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.owner = "postgres" if os.geteuid() == 0 else None  # the OS user that runs the server
        self.port = _free_port()
        # As root the directory is handed to `postgres`, who must be able to reach it: under /tmp.
        self.root = Path(tempfile.mkdtemp(prefix="realcities-pg-", dir="/tmp" if self.owner else None))
        self.data = self.root / "data"
        self.log = self.root / "server.log"

    @staticmethod
    def unavailable() -> str | None:
        """Why a private cluster cannot be made here, or None when it can."""
        bindir = _bindir()
        if bindir is None or not (bindir / "initdb").exists() or not (bindir / "pg_ctl").exists():
            return "no PostgreSQL server programs (initdb, pg_ctl) found; set PG_BINDIR"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root and there is no 'postgres' system user to run initdb as"
            if shutil.which("runuser") is None:
                return "running as root and runuser (util-linux) is missing"
        return None

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout)

    def start(self) -> PrivatePostgres:
        if self.owner:
            shutil.chown(self.root, user=self.owner, group=pwd.getpwnam(self.owner).pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                  "--no-locale", "--no-sync")  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(SETTINGS.format(port=self.port, socket_dir=self.root))
        self.resume()
        return self

    def restart(self, mode: str = "fast") -> None:
        """A real restart: every session is ended (`fast` rolls them back, `immediate` crashes and
        recovers from the WAL) and the server comes back on the same port."""
        self._run(
            "pg_ctl", "restart", "-D", str(self.data), "-m", mode, "-l", str(self.log), "-w", "-t", "60"
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (it keeps its data; `resume()` starts it again)."""
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")

    def resume(self) -> None:
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60")

    def destroy(self) -> None:
        """Stop the server if it runs and delete the cluster."""
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", **kwargs) -> psycopg.Connection:
        return psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=5, **kwargs)

    def create_database(self, name: str) -> str:
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
