"""Shared fixtures.

`warehouse_url` gives each test a fresh, empty warehouse database, once on
SQLite and once on a real PostgreSQL server started for the session (see
tests/pg.py).  Without PostgreSQL binaries the postgresql half SKIPS with the
reason: it never passes silently.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # helper modules beside the tests (pg, samples)

from pg import PostgresServer, PostgresUnavailable

pytest_plugins = ("flow_fixtures",)  # the session-wide Prefect API for flow tests

_pg_state: dict[str, object] = {}


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole session, started on first use."""
    if "error" in _pg_state:
        pytest.skip(str(_pg_state["error"]))
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        _pg_state["error"] = exc
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture
def wh(warehouse_url):
    """An upgraded, empty Warehouse on each backend, its regions from the small stub gazetteer."""
    from warehouse_samples import stub_gazetteer

    from schemas.warehouse import Warehouse

    warehouse = Warehouse(warehouse_url, gazetteer=stub_gazetteer)
    warehouse.upgrade()
    yield warehouse
    warehouse.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse_url(request, tmp_path) -> str:
    """A SQLAlchemy URL of a fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database()
    yield url
    try:
        server.drop_database(url)
    except Exception as exc:  # a leftover test database is not a test failure
        print(f"could not drop test database {url}: {exc}", file=sys.stderr)
