"""Bring a warehouse database to the current schema: migrations, dimensions, views.

Called only from Warehouse.upgrade(), inside its transaction.  Every step is
idempotent and cheap when nothing changed: the gazetteer (~41k townships) and
the view DDL are fingerprinted in `warehouse_meta`, so they are written once
and again only when they change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from schemas import tables as t
from schemas import views
from schemas.load_plan import unit_region_row
from schemas.warehouse_types import WarehouseError, one_line

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_UPGRADE_LOCK_ID = 0x7457_4801  # pg_advisory_xact_lock key: one upgrade at a time per database
_SEED_BATCH = 5000


def dialect_insert(conn: sa.Connection, table: sa.Table):
    """An INSERT that knows ON CONFLICT, for the connection's backend."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def upgrade_database(conn: sa.Connection, gazetteer: Callable[[], Iterable[Any]]) -> None:
    from alembic import command
    from alembic.config import Config

    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK_ID})")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")
    refresh_indicators(conn)
    seed_regions(conn, gazetteer)
    refresh_views(conn)


def _meta(conn: sa.Connection, key: str) -> str | None:
    return conn.execute(sa.select(t.WarehouseMeta.value).where(t.WarehouseMeta.key == key)).scalar()


def _set_meta(conn: sa.Connection, key: str, value: str) -> None:
    stmt = dialect_insert(conn, t.WarehouseMeta.__table__).values(key=key, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def refresh_indicators(conn: sa.Connection) -> None:
    """dim_indicator follows catalog.yaml; codes dropped from the catalog keep their rows (facts use them)."""
    from schemas.catalog import load_catalog

    rows = [
        {
            "code": i.code,
            "zh": i.zh,
            "en": i.en,
            "unit": i.unit,
            "category": i.category,
            "additive": i.additive,
            "lower_bound": i.bounds[0],
            "upper_bound": i.bounds[1],
        }
        for i in load_catalog()
    ]
    stmt = dialect_insert(conn, t.DimIndicator.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["code"], set_={c: stmt.excluded[c] for c in rows[0] if c != "code"}
    )
    conn.execute(stmt, rows)


def seed_regions(conn: sa.Connection, gazetteer: Callable[[], Iterable[Any]]) -> None:
    try:
        rows = [unit_region_row(u) for u in gazetteer()]
    except Exception as exc:
        raise WarehouseError(f"cannot read the gazetteer: {one_line(exc)}") from exc
    rows = [r for r in rows if r["region_key"]]
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    if not rows or _meta(conn, "gazetteer_fingerprint") == digest:
        return
    stmt = dialect_insert(conn, t.DimRegion.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["region_key"], set_={c: stmt.excluded[c] for c in rows[0] if c != "region_key"}
    )
    for i in range(0, len(rows), _SEED_BATCH):
        conn.execute(stmt, rows[i : i + _SEED_BATCH])
    _set_meta(conn, "gazetteer_fingerprint", digest)


def refresh_views(conn: sa.Connection) -> None:
    fingerprint = views.views_fingerprint(conn.dialect.name)
    present = set(sa.inspect(conn).get_view_names())
    if _meta(conn, "views_fingerprint") == fingerprint and present.issuperset(views.VIEW_NAMES):
        return
    views.create_views(conn)
    _set_meta(conn, "views_fingerprint", fingerprint)
