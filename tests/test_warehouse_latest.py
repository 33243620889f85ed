"""latest_facts, kept by the load, always equals ranking every fact from scratch (both backends)."""

from __future__ import annotations

import random
import threading
import time
from datetime import date

import sqlalchemy as sa
from warehouse_samples import fact, processed, region_of, stub_gazetteer

from schemas import latest
from schemas.query import run_query
from schemas.warehouse import Warehouse

TOWNSHIPS = ("360825101", "360825102", "360826103")
INDICATORS = (("public_welfare_jobs", "个"), ("monitored_households", "户"), ("forest_rangers", "人"))


def kept(url: str) -> list[tuple]:
    _, rows = run_query(url, f"select {', '.join(latest.COLUMNS)} from latest_facts")
    return sorted(_plain(r) for r in rows)


def ranked_from_scratch(url: str) -> list[tuple]:
    sql = latest.winners_sql("FROM facts f JOIN documents d ON d.document_id = f.document_id")
    _, rows = run_query(url, sql)
    return sorted(_plain(r) for r in rows)


def _plain(row: tuple) -> tuple:
    region, indicator, period, qualifier, target, fact_id, value, mentions = row
    return (region, indicator, period, qualifier, bool(target), fact_id, float(value), mentions)


def random_report(rng: random.Random, url: str):
    """A report of a random township with a few random figures, some sharing a figure with others."""
    phrases, specs = [], []
    for k in range(rng.randint(0, 4)):
        code, unit = rng.choice(INDICATORS)
        value = rng.randint(1, 300)
        text = f"{value}{unit}#{k}"  # unique evidence text: offsets stay distinct
        phrases.append(f"完成{text}。")
        half = (date(2023, 1, 1), date(2023, 6, 30)) if rng.random() < 0.3 else None
        specs.append((code, value, text, unit, half, rng.choice((None, None, "农村")), rng.random() < 0.2))
    body = "".join(phrases) or "本年度无量化指标。"
    items = [
        fact(code, value, text, body, unit=unit, period=half, qualifier=q, is_target=target)
        for code, value, text, unit, half, q, target in specs
    ]
    published = rng.choice((date(2024, 1, 10), date(2024, 2, 1), date(2024, 3, 5), None))
    return processed(url, body, items, region=region_of(rng.choice(TOWNSHIPS)), published=published)


def test_kept_winners_equal_a_full_ranking_after_random_loads_and_reloads(wh, warehouse_url):
    rng = random.Random(20240611)
    run = wh.start_run("nightly", {})
    urls = [f"http://127.0.0.1/r/{n}.html" for n in range(7)]
    for step in range(60):
        wh.load_document(run, random_report(rng, rng.choice(urls)))
        if step % 15 == 14:
            assert kept(warehouse_url) == ranked_from_scratch(warehouse_url), step
    assert kept(warehouse_url) == ranked_from_scratch(warehouse_url)
    assert kept(warehouse_url)  # the random loads did leave figures


def jobs(url: str, township: str, value: int, published: date | None):
    body = f"全年开发公益性岗位{value}个。"
    items = [fact("public_welfare_jobs", value, f"{value}个", body, unit="个")]
    return processed(url, body, items, region=region_of(township), published=published)


def latest_jobs(url: str) -> list[tuple]:
    _, rows = run_query(
        url, "select township_code, value, source_url, mentions from v_latest_facts order by township_code"
    )
    return rows


def test_a_reload_hands_the_figure_back_when_the_winner_changes_date_or_township(wh, warehouse_url):
    run = wh.start_run("nightly", {})
    wh.load_document(run, jobs("http://127.0.0.1/a", "360825101", 40, date(2024, 1, 5)))
    wh.load_document(run, jobs("http://127.0.0.1/b", "360825101", 44, date(2024, 2, 5)))
    assert latest_jobs(warehouse_url) == [("360825101", 44.0, "http://127.0.0.1/b", 2)]
    # the page is re-published with an older date: the other source wins again
    wh.load_document(run, jobs("http://127.0.0.1/b", "360825101", 44, date(2023, 12, 1)))
    assert latest_jobs(warehouse_url) == [("360825101", 40.0, "http://127.0.0.1/a", 2)]
    # the extractor now places page a in another township: both townships' figures follow
    wh.load_document(run, jobs("http://127.0.0.1/a", "360825102", 40, date(2024, 1, 5)))
    assert latest_jobs(warehouse_url) == [
        ("360825101", 44.0, "http://127.0.0.1/b", 1),
        ("360825102", 40.0, "http://127.0.0.1/a", 1),
    ]
    # a reload without the figure removes it
    body = "本年度无量化指标。"
    wh.load_document(run, processed("http://127.0.0.1/b", body, [], region=region_of("360825101")))
    assert latest_jobs(warehouse_url) == [("360825102", 40.0, "http://127.0.0.1/a", 1)]


def test_a_load_that_overlaps_another_still_sees_its_facts(wh, warehouse_url):
    """Load A re-ranks the figure and holds its transaction open; load B of the same figure starts then.
    On PostgreSQL B's re-ranking must wait for A's commit (region lock), or it would miss A's fact."""
    first, second = (Warehouse(warehouse_url, gazetteer=stub_gazetteer) for _ in range(2))
    run = wh.start_run("nightly", {})
    # the period row exists before: otherwise B would queue behind A's new dim_period row and never overlap
    wh.load_document(run, jobs("http://127.0.0.1/c/other", "360825102", 5, date(2024, 1, 1)))
    ranked = threading.Event()

    # the last statement of a load: PostgreSQL's re-ranking; SQLite re-ranks through sqlite3 itself,
    # before the URL state
    last = "INSERT INTO latest_facts" if first.backend == "postgresql" else "INSERT INTO url_state"

    def hold_open(conn, cursor, statement, *args) -> None:
        if last in statement and not ranked.is_set():
            ranked.set()
            time.sleep(0.8)  # B runs now, while A has re-ranked but not committed

    sa.event.listen(first._engine, "after_cursor_execute", hold_open)
    errors: list[BaseException] = []

    def load(worker: Warehouse, report) -> None:
        try:
            worker.load_document(run, report)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    a = threading.Thread(target=load, args=(first, jobs("http://127.0.0.1/c/a", "360825101", 31, date(2024, 2, 1))))
    a.start()
    assert ranked.wait(30)
    load(second, jobs("http://127.0.0.1/c/b", "360825101", 27, date(2024, 1, 1)))
    a.join(30)
    first.dispose()
    second.dispose()
    assert not errors, errors
    assert latest_jobs(warehouse_url)[0] == ("360825101", 31.0, "http://127.0.0.1/c/a", 2)
    assert kept(warehouse_url) == ranked_from_scratch(warehouse_url)


def test_migration_fills_latest_facts_from_facts_loaded_before_it(warehouse_url):
    """A warehouse made at revision 0001 gets its latest_facts filled by revision 0002."""
    from alembic import command
    from alembic.config import Config

    from schemas.upgrade import MIGRATIONS_DIR

    wh = Warehouse(warehouse_url, gazetteer=stub_gazetteer)
    wh.upgrade()
    run = wh.start_run("nightly", {})
    wh.load_document(run, jobs("http://127.0.0.1/m1", "360825101", 12, date(2024, 1, 5)))
    wh.load_document(run, jobs("http://127.0.0.1/m2", "360825101", 15, date(2024, 3, 5)))
    before = kept(warehouse_url)
    engine = sa.create_engine(wh.url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    with engine.begin() as conn:
        assert "latest_facts" not in sa.inspect(conn).get_table_names()
    engine.dispose()
    wh.upgrade()
    assert kept(warehouse_url) == before == ranked_from_scratch(warehouse_url)
    assert latest_jobs(warehouse_url) == [("360825101", 15.0, "http://127.0.0.1/m2", 2)]
    wh.dispose()
