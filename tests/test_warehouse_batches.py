"""Loading several documents per transaction (Warehouse.load_documents), on both backends.

A batch must leave the warehouse exactly as loading its documents one by one would, a URL
repeated in a batch ends as its last version, and a document the database refuses fails
alone: the rest of its batch loads, and nothing of it is written.
"""

from __future__ import annotations

import random
import threading

import pytest
import sqlalchemy as sa
from test_warehouse_latest import kept, random_report, ranked_from_scratch
from warehouse_samples import fact, processed, region_of, stub_gazetteer

from schemas.query import run_query
from schemas.warehouse import Warehouse


def random_reports(seed: int, n: int) -> list:
    rng = random.Random(seed)
    urls = [f"http://127.0.0.1/r/{k}.html" for k in range(9)]  # fewer URLs than reports: reloads in a batch
    return [random_report(rng, rng.choice(urls)) for _ in range(n)]


def contents(url: str) -> dict[str, list[tuple]]:
    """What an analyst and an operator see, without the ids that depend on insertion order."""
    queries = {
        "facts": "select source_url, township_code, indicator_code, period_label, value, qualifier, is_target,"
        " raw_text from v_facts",
        "latest": "select township_code, indicator_code, period_label, qualifier, is_target, value, source_url,"
        " mentions from v_latest_facts",
        "documents": "select url, content_hash, published_date, township from documents",
        "quarantine": "select d.url, q.indicator_code, q.reason from quarantined_facts q"
        " join documents d using (document_id)",
        "ledger": "select url, stage, state from page_ledger",
        "url_state": "select url, last_state from url_state",
        "versions": "select url, content_hash from document_versions",
    }
    out = {}
    for name, sql in queries.items():
        _, rows = run_query(url, sql)
        out[name] = sorted(tuple(str(v) for v in row) for row in rows)
    return out


def test_a_batch_leaves_what_loading_one_by_one_leaves(warehouse_url, tmp_path, pg_or_sqlite_twin):
    reports = random_reports(7, 40)
    batched = Warehouse(warehouse_url, gazetteer=stub_gazetteer)
    batched.upgrade()
    run = batched.start_run("nightly", {})
    results = []
    for k in range(0, len(reports), 13):  # uneven batches, each with URLs repeated in it
        results += batched.load_documents(run, reports[k : k + 13])
    assert [r.error for r in results] == [None] * len(reports)
    assert sum(r.facts_loaded for r in results) > 0

    one_by_one_url = pg_or_sqlite_twin
    single = Warehouse(one_by_one_url, gazetteer=stub_gazetteer)
    single.upgrade()
    run = single.start_run("nightly", {})
    expected = [single.load_document(run, report) for report in reports]
    assert results == expected
    assert contents(warehouse_url) == contents(one_by_one_url)
    assert kept(warehouse_url) == ranked_from_scratch(warehouse_url)
    batched.dispose()
    single.dispose()


@pytest.fixture
def pg_or_sqlite_twin(warehouse_url, request, tmp_path):
    """A second empty warehouse on the same backend as `warehouse_url`."""
    if warehouse_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'twin.db'}"
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


REFUSE = {
    # the database itself refuses one document's facts: a trigger, as a constraint would
    "sqlite": [
        "CREATE TRIGGER refuse_bad BEFORE INSERT ON facts WHEN NEW.raw_text LIKE '%%#refused'"
        " BEGIN SELECT RAISE(ABORT, 'value refused by the database'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_bad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF NEW.raw_text LIKE '%%#refused' THEN RAISE EXCEPTION 'value refused by the database'; END IF;"
        " RETURN NEW; END $$",
        "CREATE TRIGGER refuse_bad BEFORE INSERT ON facts FOR EACH ROW EXECUTE FUNCTION refuse_bad()",
    ],
}


def jobs_report(url: str, township: str, text: str):
    body = f"全年开发公益性岗位{text}。"
    return processed(url, body, [fact("public_welfare_jobs", 12, text, body, unit="个")], region=region_of(township))


def test_a_refused_document_fails_alone_and_leaves_nothing(wh, warehouse_url):
    engine = sa.create_engine(wh.url)
    with engine.begin() as conn:
        for statement in REFUSE[wh.backend]:
            conn.exec_driver_sql(statement)
    engine.dispose()
    run = wh.start_run("nightly", {})
    batch = [
        jobs_report("http://127.0.0.1/ok/1", "360825101", "12个"),
        jobs_report("http://127.0.0.1/bad", "360825102", "12个#refused"),
        jobs_report("http://127.0.0.1/ok/2", "360826103", "12个"),
    ]
    results = wh.load_documents(run, batch)
    assert [r.facts_loaded for r in results] == [1, 0, 1]
    assert results[0].error is None and results[2].error is None
    assert "refused by the database" in results[1].error and "\n" not in results[1].error
    seen = contents(warehouse_url)
    assert [row[0] for row in seen["documents"]] == ["http://127.0.0.1/ok/1", "http://127.0.0.1/ok/2"]
    assert {row[0] for row in seen["ledger"]} == {"http://127.0.0.1/ok/1", "http://127.0.0.1/ok/2"}
    assert kept(warehouse_url) == ranked_from_scratch(warehouse_url)


def test_concurrent_batches_over_shared_townships_keep_latest_right(wh, warehouse_url):
    """Two loaders at once, their batches touching the same townships (PostgreSQL loads run in parallel;
    region locks taken in order must neither deadlock nor let a re-ranking miss the other's facts)."""
    run = wh.start_run("nightly", {})
    workers = [Warehouse(warehouse_url, gazetteer=stub_gazetteer) for _ in range(2)]
    errors: list[BaseException] = []

    def load(worker: Warehouse, seed: int) -> None:
        try:
            reports = random_reports(seed, 48)
            for k in range(0, len(reports), 6):
                results = worker.load_documents(run, reports[k : k + 6])
                assert all(r.error is None for r in results), results
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=load, args=(w, seed)) for w, seed in zip(workers, (1, 2), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for worker in workers:
        worker.dispose()
    assert not errors, errors
    assert kept(warehouse_url) == ranked_from_scratch(warehouse_url)
    assert kept(warehouse_url)
