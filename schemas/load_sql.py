"""The SQL text of the load path, per backend (built here, executed by schemas.warehouse).

A document load must stay one transaction and still run at tens of thousands
of facts a second.  On SQLite (in-process) plain statements cost nothing
extra.  On PostgreSQL every round trip to the server costs more than the work,
so the load is a lock and three statements built from data-modifying CTEs:

0. lock the regions it touches (schemas/latest.py says why);
1. upsert the document and delete its previous
   facts (and the latest_facts rows they won), returning its id and the
   figures those facts had;
2. insert the new facts and held facts (a JSON array each, expanded by
   json_populate_recordset), the version row, the ledger row and the URL state;
3. re-rank the figures touched in latest_facts (schemas/latest.py).

The deletes and the inserts are separate statements because the sub-statements
of one WITH run in no defined order, and the new rows reuse the old fact keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from schemas import tables as t
from schemas.latest import PG_DELETE_RANKED_BY, REGION_LOCK_NAMESPACE

_VERSION = (
    "INSERT INTO document_versions (url, content_hash, first_run_id, seen_at)"
    " VALUES (:url, :content_hash, :run_id, :at) ON CONFLICT (url, content_hash) DO NOTHING"
)
_LEDGER = (
    "INSERT INTO page_ledger (run_id, url, stage, state, reason, content_hash, at)"
    " VALUES (:run_id, :url, :stage, :state, :reason, :content_hash, :at)"
)
_URL_STATE = (
    "INSERT INTO url_state (url, last_state) VALUES (:url, :state)"
    " ON CONFLICT (url) DO UPDATE SET last_state = excluded.last_state"
)
# Columns the document upsert must not overwrite on a later version.
_DOCUMENT_KEEPS = {"document_id", "url", "first_run_id", "first_loaded_at"}
_JSON_DOCUMENT_COLUMNS = {"region_candidates"}


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def insertable_columns(table: sa.Table) -> list[str]:
    """Every column but the auto-numbered primary key."""
    return [c.name for c in table.c if not (c.primary_key and c.autoincrement)]


@dataclass(frozen=True)
class SqliteLoadSql:
    delete_facts: sa.TextClause
    delete_held: sa.TextClause
    record_load: tuple[sa.TextClause, ...]  # params: url, content_hash, run_id, at, stage, state, reason

    @staticmethod
    def insert_rows(table: sa.Table, columns: list[str]) -> str:
        """A qmark INSERT for sqlite3's own executemany."""
        return f'INSERT INTO "{table.name}" ({_quoted(columns)}) VALUES ({", ".join("?" * len(columns))})'


def sqlite_load_sql() -> SqliteLoadSql:
    at = sa.bindparam("at", type_=t.UtcDateTime)
    return SqliteLoadSql(
        delete_facts=sa.text("DELETE FROM facts WHERE document_id = :doc_id"),
        delete_held=sa.text("DELETE FROM quarantined_facts WHERE document_id = :doc_id"),
        record_load=(sa.text(_VERSION).bindparams(at), sa.text(_LEDGER).bindparams(at), sa.text(_URL_STATE)),
    )


@dataclass(frozen=True)
class PostgresLoadSql:
    lock_regions: sa.TextClause  # params: region_id, url
    # params: the document row (region_candidates as JSON text) -> document_id, old_keys
    replace_document: sa.TextClause
    insert_and_record: sa.TextClause  # params: facts, held (JSON text) + the record_load params


def postgresql_load_sql() -> PostgresLoadSql:
    docs = t.Document.__table__
    doc_columns = insertable_columns(docs)
    values = ", ".join(f"CAST(:{c} AS json)" if c in _JSON_DOCUMENT_COLUMNS else f":{c}" for c in doc_columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in doc_columns if c not in _DOCUMENT_KEEPS)
    # Taken before anything is written, held to the end of the transaction: loads touching a region
    # queue, so the latest_facts re-ranking of each sees every earlier load of that region committed
    # (schemas/latest.py), and no two loads wait on each other's rows.
    lock_regions = sa.text(
        f"SELECT pg_advisory_xact_lock({REGION_LOCK_NAMESPACE}, r) FROM ("
        "SELECT DISTINCT r FROM (SELECT CAST(:region_id AS integer) AS r"
        " UNION ALL SELECT region_id FROM documents WHERE url = :url) s WHERE r IS NOT NULL ORDER BY r) ordered"
    )
    old_keys = (
        "SELECT jsonb_agg(DISTINCT jsonb_build_object('region_id', region_id, 'indicator_id', indicator_id,"
        " 'period_id', period_id)) FROM old_facts"
    )
    replace_document = sa.text(
        f"WITH doc AS (INSERT INTO documents ({_quoted(doc_columns)}) VALUES ({values})"
        f" ON CONFLICT (url) DO UPDATE SET {updates} RETURNING document_id),"
        " old_facts AS (DELETE FROM facts WHERE document_id IN (SELECT document_id FROM doc)"
        " RETURNING fact_id, region_id, indicator_id, period_id),"
        f" old_latest AS ({PG_DELETE_RANKED_BY}),"
        " old_held AS (DELETE FROM quarantined_facts WHERE document_id IN (SELECT document_id FROM doc))"
        f" SELECT document_id, ({old_keys}) AS old_keys FROM doc"
    ).bindparams(sa.bindparam("first_loaded_at", type_=t.UtcDateTime), sa.bindparam("loaded_at", type_=t.UtcDateTime))

    def expand(table: sa.Table, param: str) -> str:
        cols = _quoted(insertable_columns(table))
        return (
            f'INSERT INTO "{table.name}" ({cols}) SELECT {cols}'
            f' FROM json_populate_recordset(NULL::"{table.name}", CAST(:{param} AS json))'
        )

    insert_and_record = sa.text(
        f"WITH new_facts AS ({expand(t.facts, 'facts')}), new_held AS ({expand(t.quarantined_facts, 'held')}),"
        f" version AS ({_VERSION}), ledger AS ({_LEDGER}) {_URL_STATE}"
    ).bindparams(sa.bindparam("at", type_=t.UtcDateTime))
    return PostgresLoadSql(
        lock_regions=lock_regions, replace_document=replace_document, insert_and_record=insert_and_record
    )
