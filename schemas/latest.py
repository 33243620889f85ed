"""Keeping `latest_facts` (the winning fact of every figure) right as documents load.

A *figure* is (region, indicator, period, qualifier, target flag).  When several
documents report the same figure, the most recently published one wins, then
the most recently loaded document, then the first mention in its text.  Only
the figures a document touches can change when it loads — the ones its old
facts had and the ones its new facts have — so the load (schemas/loader.py)
re-ranks just those of its batch (a handful of index ranges per document) in
the same transaction.

Keys are handed around as (region_id, indicator_id, period_id) triples: a
document's facts share one region, so a document touches at most a few dozen.
Winners are upserted (a reload keeps the row and rewrites its fact id), and a
figure whose last fact went with the document's old facts is deleted.

PostgreSQL loads run concurrently (SQLite's writers queue at BEGIN IMMEDIATE):
two transactions re-ranking the same figure would each miss the other's
uncommitted facts.  Each load therefore takes a transaction-scoped advisory
lock on every region it touches before it re-ranks (see schemas.load_sql), so
the later one re-ranks after the earlier one committed and sees its facts.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

import sqlalchemy as sa

Key = tuple[int, int, int]

# pg_advisory_xact_lock(namespace, region_id): one re-ranking of a region's figures at a time
REGION_LOCK_NAMESPACE = 0x7457_4802

# The ranking.  NULLS LAST spelled out: SQLite and PostgreSQL disagree on the default.
RANK_ORDER = "d.published_date DESC NULLS LAST, f.document_id DESC, f.start_offset NULLS LAST, f.fact_id"
_FIGURE = "f.region_id, f.indicator_id, f.period_id, COALESCE(f.qualifier, ''), f.is_target"
COLUMNS = ("region_id", "indicator_id", "period_id", "qualifier", "is_target", "fact_id", "value", "mentions")
_COLUMN_LIST = ", ".join(COLUMNS)


def winners_sql(source: str) -> str:
    """SELECT of the winning fact of each figure among the facts `source` yields (FROM ... [WHERE ...],
    with facts aliased f); the output columns are COLUMNS."""
    return f"""SELECT {_COLUMN_LIST} FROM (
    SELECT f.region_id, f.indicator_id, f.period_id, COALESCE(f.qualifier, '') AS qualifier, f.is_target,
        f.fact_id, f.value,
        ROW_NUMBER() OVER (PARTITION BY {_FIGURE} ORDER BY {RANK_ORDER}) AS source_rank,
        COUNT(*) OVER (PARTITION BY {_FIGURE}) AS mentions
    {source}
) ranked WHERE source_rank = 1"""


# SQLite: one statement per region (a load touches one, two when a reload moves the document), the
# (indicator, period) pairs as a JSON array.  Per-key statements cost twice as much CPU.
_SQLITE_PAIRS = "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)"
SQLITE_OLD_KEYS = "SELECT DISTINCT region_id, indicator_id, period_id FROM facts WHERE document_id = ?"
_SQLITE_UPSERT = (
    f"INSERT INTO latest_facts ({_COLUMN_LIST}) "
    + winners_sql(
        "FROM facts f JOIN documents d ON d.document_id = f.document_id"
        f" WHERE f.region_id = ? AND (f.indicator_id, f.period_id) IN ({_SQLITE_PAIRS})"
    )
    + " ON CONFLICT (region_id, indicator_id, period_id, qualifier, is_target) DO UPDATE SET"
    " fact_id = excluded.fact_id, value = excluded.value, mentions = excluded.mentions"
)
# A figure row is left without facts only when the facts it ranked were this document's old ones.
_SQLITE_DELETE_STALE = (
    f"DELETE FROM latest_facts WHERE region_id = ? AND (indicator_id, period_id) IN ({_SQLITE_PAIRS})"
    " AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.region_id = latest_facts.region_id"
    " AND f.indicator_id = latest_facts.indicator_id AND f.period_id = latest_facts.period_id"
    " AND COALESCE(f.qualifier, '') = latest_facts.qualifier AND f.is_target = latest_facts.is_target)"
)

_PG_KEYS = (
    "SELECT DISTINCT k.region_id, k.indicator_id, k.period_id FROM json_to_recordset(CAST(:keys AS json))"
    " AS k(region_id integer, indicator_id integer, period_id integer)"
)
# LATERAL: each key is an index range of facts, whatever the planner's (often stale, mid-load) statistics
# say; a hash join over a sequential scan made every load cost as much as the table is large.
_PG_FACTS_OF_KEYS = (
    "FROM keys k CROSS JOIN LATERAL (SELECT * FROM facts f0 WHERE f0.region_id = k.region_id"
    " AND f0.indicator_id = k.indicator_id AND f0.period_id = k.period_id) f"
    " JOIN documents d ON d.document_id = f.document_id"
)
# Upsert the winners.  Figures left without any fact were deleted with the document's old facts
# (PG_DELETE_RANKED_BY in schemas.load_sql's first statement), so nothing else is to do here.
POSTGRES_REFRESH = sa.text(
    f"WITH keys AS ({_PG_KEYS}), winners AS ({winners_sql(_PG_FACTS_OF_KEYS)})"
    f" INSERT INTO latest_facts ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM winners"
    " ON CONFLICT (region_id, indicator_id, period_id, qualifier, is_target) DO UPDATE SET"
    " fact_id = excluded.fact_id, value = excluded.value, mentions = excluded.mentions"
)
# The figures whose winner is one of the facts being deleted (a CTE over `old_facts` ... RETURNING fact_id);
# = ANY(ARRAY(...)) keeps it an index lookup on fact_id.
PG_DELETE_RANKED_BY = "DELETE FROM latest_facts WHERE fact_id = ANY(ARRAY(SELECT fact_id FROM old_facts))"


def new_keys(region_id: int | None, rows: Iterable[dict]) -> set[Key]:
    """The keys a document's new fact rows (with ids mapped) touch."""
    if region_id is None:
        return set()
    return {(region_id, r["indicator_id"], r["period_id"]) for r in rows}


def sqlite_old_keys(raw: sqlite3.Connection, document_id: int) -> set[Key]:
    """The keys of the facts a document has now (read before they are deleted)."""
    return {tuple(k) for k in raw.execute(SQLITE_OLD_KEYS, (document_id,))}


def _pairs_by_region(keys: set[Key]) -> list[tuple[int, str]]:
    by_region: dict[int, list[tuple[int, int]]] = {}
    for region_id, indicator_id, period_id in sorted(keys):
        by_region.setdefault(region_id, []).append((indicator_id, period_id))
    return [(region_id, json.dumps(pairs)) for region_id, pairs in by_region.items()]


def refresh_sqlite(raw: sqlite3.Connection, old: set[Key], new: set[Key]) -> None:
    """Re-rank the figures of the document's old and new keys (inside the caller's transaction)."""
    raw.executemany(_SQLITE_UPSERT, _pairs_by_region(old | new))
    raw.executemany(_SQLITE_DELETE_STALE, _pairs_by_region(old))


def refresh_postgresql(conn: sa.Connection, keys: set[Key]) -> None:
    if keys:
        payload = [{"region_id": r, "indicator_id": i, "period_id": p} for r, i, p in sorted(keys)]
        conn.execute(POSTGRES_REFRESH, {"keys": json.dumps(payload)})


def keys_from_json(value: list | None) -> set[Key]:
    """The old keys PostgreSQL's replace statement returns (a JSON array of triples, or NULL)."""
    return {(r, i, p) for r, i, p in value or ()}
