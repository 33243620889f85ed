"""Engines for the warehouse's two backends, with the connection settings loading relies on.

PostgreSQL: custom plans for every statement (see make_engine).

SQLite: WAL (readers never block the writer), a 30 s busy timeout, writers take
the lock at BEGIN IMMEDIATE (a deferred transaction that later writes fails at
once with SQLITE_BUSY, whatever the timeout), larger page cache and rarer
checkpoints for bulk loads.  Read-only transactions are marked with the
execution option `warehouse_read` and start with a plain BEGIN.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

# The warehouse's working set (the indexes of latest_facts, facts and the dimensions) is read from
# memory or SSD, where a random page costs about what a sequential one does.  With the default
# random_page_cost of 4 (spinning disks), PostgreSQL answered "one indicator of a city's townships"
# with a parallel scan of all of latest_facts (66 ms on a million facts) instead of walking the
# key from each of the city's regions (5 ms).  Set on every connection the tool makes; a DBA can
# give other clients the same with ALTER DATABASE ... SET random_page_cost = 1.1.
PG_PLANNER_OPTIONS = "-c random_page_cost=1.1"


def make_engine(url: sa.URL) -> sa.Engine:
    """An engine for a sqlite or postgresql(+psycopg) URL, with the settings the warehouse relies on."""
    if url.get_backend_name() == "postgresql":
        # psycopg prepares a statement run five times, and PostgreSQL then keeps a generic plan made
        # while the tables were small: the latest_facts upkeep kept the sequential scans it chose on an
        # empty warehouse, and each load cost as much as the warehouse was large.  Custom plans cost a
        # fraction of a millisecond to make and follow the tables as they grow.
        options = f"-c plan_cache_mode=force_custom_plan {PG_PLANNER_OPTIONS}"
        return sa.create_engine(url, connect_args={"options": options})
    memory = url.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": 30, "check_same_thread": False}}
    if memory:
        kwargs["poolclass"] = StaticPool  # one shared in-memory database for every thread
    engine = sa.create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA cache_size=-65536")  # 64 MB: index pages of a bulk load stay in memory
        # checkpoint every ~40 MB of WAL rather than every 4 MB: fewer fsyncs during a bulk load
        cur.execute("PRAGMA wal_autocheckpoint=10000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # writers take the write lock up front: a deferred transaction that later writes can
        # fail with SQLITE_BUSY at once, whatever the busy timeout; readers never block anyone
        read_only = conn.get_execution_options().get("warehouse_read", False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
