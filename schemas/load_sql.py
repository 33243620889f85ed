"""The SQL text of the load path, per backend (built here, executed by schemas.warehouse).

A document load must stay whole (one transaction) and still run at tens of thousands
of facts a second.  On SQLite (in-process) plain statements cost nothing
extra.  On PostgreSQL every round trip to the server costs more than the work,
so a batch of documents loads as a lock, a COPY and three statements built
from data-modifying CTEs, whatever the number of documents in it:

0. lock the regions the batch touches (schemas/latest.py says why);
1. upsert the documents (a JSON array, expanded by json_populate_recordset)
   and delete their previous facts (and the latest_facts rows they won),
   returning their ids and the figures those facts had;
2. COPY the new facts in, then insert the held facts, the version rows, the
   ledger rows and the URL states (a JSON array each);
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
    lock_regions: sa.TextClause  # params: region_ids (int[]), urls (text[])
    # params: documents (JSON array of document rows) -> (url, document_id, old_keys) per document
    replace_documents: sa.TextClause
    copy_facts: str  # COPY ... FROM STDIN of the facts, in fact_columns order
    fact_columns: tuple[str, ...]
    insert_and_record: sa.TextClause  # params: held, records (JSON arrays)


def postgresql_load_sql() -> PostgresLoadSql:
    """The statements that load a batch of documents (each with a distinct URL) on PostgreSQL."""
    docs = t.Document.__table__
    doc_columns = _quoted(insertable_columns(docs))
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in insertable_columns(docs) if c not in _DOCUMENT_KEEPS)
    # Taken before anything is written, held to the end of the transaction: loads touching a region
    # queue, so the latest_facts re-ranking of each sees every earlier load of that region committed
    # (schemas/latest.py).  Taken in region order, so two batches never wait on each other in a cycle.
    lock_regions = sa.text(
        f"SELECT pg_advisory_xact_lock({REGION_LOCK_NAMESPACE}, r) FROM ("
        "SELECT DISTINCT r FROM (SELECT unnest(CAST(:region_ids AS integer[])) AS r"
        " UNION ALL SELECT region_id FROM documents WHERE url = ANY(CAST(:urls AS text[]))) s"
        " WHERE r IS NOT NULL ORDER BY r) ordered"
    )
    # each document's old figures as [region, indicator, period] triples, for the re-ranking
    old_keys = (
        "SELECT document_id, jsonb_agg(DISTINCT jsonb_build_array(region_id, indicator_id, period_id)) AS keys"
        " FROM old_facts GROUP BY document_id"
    )
    replace_documents = sa.text(
        f"WITH doc AS (INSERT INTO documents ({doc_columns}) SELECT {doc_columns}"
        # in URL order: two batches sharing documents lock their rows in one order, never in a cycle
        " FROM json_populate_recordset(NULL::documents, CAST(:documents AS json)) ORDER BY url"
        f" ON CONFLICT (url) DO UPDATE SET {updates} RETURNING document_id, url),"
        # = ANY(ARRAY(...)): an index lookup per document; with IN (SELECT ...) the planner, guessing
        # 100 rows for the JSON input, hash-joined a sequential scan of every fact in the warehouse
        " old_facts AS (DELETE FROM facts WHERE document_id = ANY(ARRAY(SELECT document_id FROM doc))"
        " RETURNING fact_id, document_id, region_id, indicator_id, period_id),"
        f" old_latest AS ({PG_DELETE_RANKED_BY}),"
        " old_held AS (DELETE FROM quarantined_facts WHERE document_id = ANY(ARRAY(SELECT document_id FROM doc)))"
        f" SELECT doc.url, doc.document_id, old.keys FROM doc LEFT JOIN ({old_keys}) old USING (document_id)"
    )

    def expand(table: sa.Table, param: str) -> str:
        cols = _quoted(insertable_columns(table))
        return (
            f'INSERT INTO "{table.name}" ({cols}) SELECT {cols}'
            f' FROM json_populate_recordset(NULL::"{table.name}", CAST(:{param} AS json))'
        )

    records = (
        "SELECT * FROM json_to_recordset(CAST(:records AS json)) AS r(url text, content_hash text, run_id text,"
        " at timestamptz, stage text, state text, reason text)"
    )
    # The facts, the bulk of a load, go by COPY: no JSON for the server to parse, no statement to plan.
    fact_columns = tuple(insertable_columns(t.facts))
    copy_facts = f"COPY facts ({_quoted(list(fact_columns))}) FROM STDIN"
    insert_and_record = sa.text(
        f"WITH new_held AS ({expand(t.quarantined_facts, 'held')}),"
        f" records AS ({records}),"
        " version AS (INSERT INTO document_versions (url, content_hash, first_run_id, seen_at)"
        " SELECT url, content_hash, run_id, at FROM records ON CONFLICT (url, content_hash) DO NOTHING),"
        " ledger AS (INSERT INTO page_ledger (run_id, url, stage, state, reason, content_hash, at)"
        " SELECT run_id, url, stage, state, reason, content_hash, at FROM records)"
        " INSERT INTO url_state (url, last_state) SELECT url, state FROM records"
        " ON CONFLICT (url) DO UPDATE SET last_state = excluded.last_state"
    )
    return PostgresLoadSql(
        lock_regions=lock_regions, replace_documents=replace_documents, copy_facts=copy_facts,
        fact_columns=fact_columns, insert_and_record=insert_and_record,
    )
