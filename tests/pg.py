"""A throwaway PostgreSQL server for the test session.

PostgreSQL refuses to run as root and CI runs as root, so when we are root the
cluster lives in a temp dir owned by the `postgres` user and every server
command runs through `su postgres`.  It listens on a Unix socket only (no TCP
port to collide with), with durability switched off because tests never need
to survive a power cut.  Set TOWNSHIP_TEST_POSTGRES_URL to use an existing
server instead (its user must be allowed to CREATE DATABASE).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

EXTERNAL_URL_ENV = "TOWNSHIP_TEST_POSTGRES_URL"
SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """Why no server could be started; tests turn this into a loud skip."""


def find_binaries() -> Path:
    """The bin dir holding initdb and pg_ctl: PATH first, then Debian's versioned dirs, newest first."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: float(Path(p).parent.name or 0), reverse=True
    )
    candidates += ["/usr/local/pgsql/bin", "/opt/homebrew/bin", "/usr/local/bin"]
    for bin_dir in candidates:
        if (Path(bin_dir) / "initdb").exists() and (Path(bin_dir) / "pg_ctl").exists():
            return Path(bin_dir)
    raise PostgresUnavailable("PostgreSQL binaries not found: no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin")


def _run_as_server_user(argv: list[str], *, as_root: bool) -> subprocess.CompletedProcess:
    if as_root:
        argv = ["su", SERVER_USER, "-s", "/bin/sh", "-c", shlex.join(argv)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


@dataclass
class PostgresServer:
    data_dir: Path
    bin_dir: Path | None
    admin_url: str  # connects to the `postgres` maintenance database
    as_root: bool = False
    databases: list[str] = field(default_factory=list)
    _engine: sa.Engine | None = None
    _stopped: bool = False

    @classmethod
    def start(cls) -> PostgresServer:
        external = os.environ.get(EXTERNAL_URL_ENV)
        if external:
            return cls(data_dir=Path(), bin_dir=None, admin_url=external)
        bin_dir = find_binaries()
        as_root = os.geteuid() == 0
        if as_root:
            try:
                owner = pwd.getpwnam(SERVER_USER)
            except KeyError as exc:
                raise PostgresUnavailable(f"running as root and there is no '{SERVER_USER}' user") from exc
        # Short path: the Unix socket path must stay under ~100 bytes.
        base = Path(tempfile.mkdtemp(prefix="twpg-", dir="/tmp"))
        data_dir = base / "data"
        if as_root:
            os.chown(base, owner.pw_uid, owner.pw_gid)
        else:
            data_dir.mkdir()
        init = _run_as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data_dir),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            as_root=as_root,
        )
        if init.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {init.stderr.strip()[-300:]}")
        port = 5432
        options = (
            f"-k {data_dir} -p {port} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        started = _run_as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data_dir),
                "-o",
                options,
                "-l",
                str(data_dir / "server.log"),
                "-w",
                "start",
            ],
            as_root=as_root,
        )
        if started.returncode != 0:
            log = (
                (data_dir / "server.log").read_text(errors="replace")[-300:]
                if (data_dir / "server.log").exists()
                else ""
            )
            raise PostgresUnavailable(f"pg_ctl start failed: {started.stderr.strip()[-300:]} {log}")
        admin_url = f"postgresql+psycopg://postgres@/postgres?host={data_dir}&port={port}"
        server = cls(data_dir=data_dir, bin_dir=bin_dir, admin_url=admin_url, as_root=as_root)
        # a session that dies before its teardown (or a script killed by a closed pipe) must not
        # leave a server behind
        atexit.register(server.stop)
        return server

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        return self._engine

    def create_database(self) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        name = "tw_" + uuid.uuid4().hex[:12]
        with self.engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return sa.make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = sa.make_url(url).database
        with self.engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.databases:
            self.databases.remove(name)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._engine is not None:
            self._engine.dispose()
        if self.bin_dir is None:  # external server: only drop what we made
            for name in list(self.databases):
                self.drop_database(sa.make_url(self.admin_url).set(database=name).render_as_string(False))
            return
        _run_as_server_user(
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"],
            as_root=self.as_root,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)
