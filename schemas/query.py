"""Read-only access for analysts: run a query, export a view.

The connection itself is read-only (SQLite opened with `mode=ro`, PostgreSQL
sessions with `default_transaction_read_only`), so a query typed at
`township query` can never change the warehouse, whatever it says.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from schemas.engine import PG_PLANNER_OPTIONS

EXPORT_FORMATS = ("csv", "parquet", "json")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class QueryError(Exception):
    """A query or export failed; the message is one line."""


def _one_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (" ".join(str(orig).split()) or type(orig).__name__)[:400]


def _read_only_engine(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except Exception as exc:
        raise QueryError(f"bad warehouse URL {url!r}: {_one_line(exc)}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = parsed.database
        if not path or path == ":memory:":
            raise QueryError("a read-only query needs a SQLite file, not an in-memory database")
        if not Path(path).exists():
            raise QueryError(f"no warehouse at {path}")
        uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
        return sa.create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False), poolclass=sa.NullPool
        )
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return sa.create_engine(
            parsed, connect_args={"options": f"-c default_transaction_read_only=on {PG_PLANNER_OPTIONS}"},
            poolclass=sa.NullPool,
        )
    raise QueryError(f"unsupported warehouse URL {url!r}: use sqlite:///path or postgresql://...")


@contextmanager
def read_only_connection(url: str):
    """A read-only connection to the warehouse at `url`; failures leave as one-line QueryErrors."""
    engine = _read_only_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn
            conn.rollback()
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(f"query failed: {_one_line(exc)}") from None
    finally:
        engine.dispose()


def run_query(url: str, sql: str, params: Mapping[str, Any] | None = None) -> tuple[list[str], list[tuple]]:
    """Run one SELECT on a read-only connection; named parameters as :name."""
    with read_only_connection(url) as conn:
        result = conn.execute(sa.text(sql), dict(params or {}))
        if not result.returns_rows:
            raise QueryError("the statement returns no rows (only queries are allowed)")
        return list(result.keys()), [tuple(row) for row in result]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def export_view(url: str, view: str, path: str | Path, fmt: str = "csv") -> int:
    """Write a whole view (or table) to csv, parquet or json; returns the number of rows."""
    if fmt not in EXPORT_FORMATS:
        raise QueryError(f"unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    if not _IDENTIFIER.match(view):
        raise QueryError(f"not a view name: {view!r}")
    columns, rows = run_query(url, f"SELECT * FROM {view}")
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _WRITERS[fmt](target, columns, rows)
    except OSError as exc:
        raise QueryError(f"cannot write {target}: {_one_line(exc)}") from None
    return len(rows)


def _write_csv(target: Path, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    # utf-8-sig so that spreadsheet programs read the Chinese text right
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([_plain(v) for v in row] for row in rows)


def _write_json(target: Path, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    records = [dict(zip(columns, (_plain(v) for v in row), strict=True)) for row in rows]
    target.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")


def _write_parquet(target: Path, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = {c: [_plain(row[i]) for row in rows] for i, c in enumerate(columns)}
    pq.write_table(pa.table(data), target)


_WRITERS = {"csv": _write_csv, "json": _write_json, "parquet": _write_parquet}
