"""The operators' day: schedule, status, re-run what failed, backfill, reprocess, alerts, politeness.

Each scenario serves copies of the demo sites on 127.0.0.1 from a server that can be told to
answer 500 ("the site is down") and that records every request, and drives the `township` CLI
in-process as an operator would.  The Prefect API is the session's shared harness.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_operations_sites import (
    copy_sites,
    ops_sites,
    report_paths,
    snapshot,
    start_urls,
    table_rows,
    write_sources,
)
from typer.testing import CliRunner

from flows.cli import app

ROOT = Path(__file__).resolve().parents[1]


def township(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def wh_args(home: Path) -> list[str]:
    return ["--warehouse", f"sqlite:///{home / 'warehouse.db'}", "--home", str(home)]


# --------------------------------------------------------------------------- 1. schedule
def test_prefect_yaml_declares_the_nightly_cron_in_shanghai_time():
    from prefect.schedules import Cron

    declared = yaml.safe_load((ROOT / "prefect.yaml").read_text("utf-8"))
    nightly = next(d for d in declared["deployments"] if d["name"] == "nightly")
    path, func = nightly["entrypoint"].split(":")
    assert (ROOT / path).exists() and f"def {func}(" in (ROOT / path).read_text("utf-8")
    (schedule,) = nightly["schedules"]
    assert schedule["cron"] == "0 2 * * *" and schedule["timezone"] == "Asia/Shanghai"
    built = Cron(schedule["cron"], timezone=schedule["timezone"])  # Prefect accepts what the file says
    assert built.timezone == "Asia/Shanghai"


def test_serve_builds_a_deployment_with_the_cron_in_shanghai_time(tmp_path, monkeypatch):
    from flows.nightly import scheduled_nightly

    sources = write_sources(tmp_path / "sources.yaml", ["http://portal.example.gov.cn/xzgk/index.html"])
    served: dict = {}
    monkeypatch.setattr(scheduled_nightly, "serve", lambda **kw: served.update(kw))
    result = township("serve", "--sources", sources, "--cron", "30 3 * * *", "--home", tmp_path / "home")
    assert result.exit_code == 0, result.output
    (cron,) = served["schedules"]
    assert (cron.cron, cron.timezone) == ("30 3 * * *", "Asia/Shanghai")

    # the deployment object Prefect would register, with the default 02:00 schedule
    from prefect.schedules import Cron

    deployment = scheduled_nightly.to_deployment(
        name="nightly", schedules=[Cron("0 2 * * *", timezone="Asia/Shanghai")], parameters=served["parameters"]
    )
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "0 2 * * *" and schedule.schedule.timezone == "Asia/Shanghai"
    assert deployment.parameters["sources_file"] == str(sources.resolve())
    assert deployment.parameters["home"] == str((tmp_path / "home").resolve())


# ----------------------------------------------------------- 2, 3, 5, 9: a bad night and the morning after
SITES = ["fw", "gx", "hl", "wk"]
STRIP_BREAKS_ON = "/gzzj/xczx/1.html"  # fw's page: fetched fine, then the strip stage fails on it


@pytest.fixture(scope="module")
def bad_night(tmp_path_factory, prefect_harness):
    """A run while most report pages answer 500 and one page breaks the stripper; the site
    recovers; `rerun --failed` twice; an uninterrupted run into another warehouse; then, with
    the sites stopped, `reprocess` with an extractor that no longer reads one indicator."""
    import scrapers.strip

    tmp = tmp_path_factory.mktemp("bad-night")
    root = copy_sites(tmp, SITES)
    night, reference = tmp / "night", tmp / "reference"
    out: dict = {"night": night, "reference": reference}
    real_strip = scrapers.strip.strip_chrome

    def broken_strip(html, url, **kw):
        if url.endswith(STRIP_BREAKS_ON):
            raise RuntimeError("stripper crashed on this layout")
        return real_strip(html, url, **kw)

    with ops_sites(root) as sites:
        sources = write_sources(tmp / "sources.yaml", start_urls(root, sites))
        down = {name: [p for p in report_paths(root, name)] for name in ("gx", "hl", "wk")}
        for name, paths in down.items():
            sites[name].failing.update(paths)
        out["down_urls"] = {sites[n].origin + p for n, ps in down.items() for p in ps}
        out["strip_failed_url"] = sites["fw"].origin + STRIP_BREAKS_ON

        scrapers.strip.strip_chrome = broken_strip
        try:
            out["night_run"] = township("run", "--sources", sources, *wh_args(night))
        finally:
            scrapers.strip.strip_chrome = real_strip
        out["status_json"] = township("status", "--json", *wh_args(night))
        out["status_text"] = township("status", *wh_args(night))
        out["after_night"] = snapshot(night / "warehouse.db")

        for server in sites.values():  # the sites recover
            server.failing.clear()
            server.forget()
        out["rerun_future"] = township("rerun", "--failed", "--since", "2999-01-01", *wh_args(night))
        out["rerun"] = township("rerun", "--failed", *wh_args(night))
        out["rerun_requests"] = {n: list(s.paths) for n, s in sites.items()}
        out["after_rerun"] = snapshot(night / "warehouse.db")
        out["rerun_again"] = township("rerun", "--failed", *wh_args(night))
        out["after_second_rerun"] = snapshot(night / "warehouse.db")

        out["reference_run"] = township("run", "--sources", sources, *wh_args(reference))
        out["after_reference"] = snapshot(reference / "warehouse.db")
    # the sites are down for good now: reprocess must not need them
    yield out


@pytest.mark.e2e
def test_a_night_where_most_pages_fail_ends_failed_with_exit_code_1(bad_night):
    result = bad_night["night_run"]
    assert result.exit_code == 1, result.output
    assert "alert:" in result.output and "pages failed" in result.output
    (run,) = table_rows(bad_night["night"] / "warehouse.db", "select * from runs where kind = 'nightly'")
    assert run["status"] == "failed"

    from prefect.client.orchestration import get_client

    assert run["prefect_flow_run_id"], "the run ledger names its Prefect flow run"
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(run["prefect_flow_run_id"])
    assert flow_run.state.is_failed() and "pages failed" in (flow_run.state.message or "")


@pytest.mark.e2e
def test_a_normal_night_exits_0_and_is_completed_in_prefect(bad_night):
    result = bad_night["reference_run"]
    assert result.exit_code == 0, result.output
    (run,) = table_rows(bad_night["reference"] / "warehouse.db", "select * from runs where kind = 'nightly'")
    assert run["status"] == "completed"

    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        assert client.read_flow_run(run["prefect_flow_run_id"]).state.is_completed()


@pytest.mark.e2e
def test_status_json_lists_runs_states_and_failed_pages_with_errors(bad_night):
    import json

    result = bad_night["status_json"]
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # the fixture ran `status` right after the bad night
    assert [(r["kind"], r["status"]) for r in data["runs"]] == [("nightly", "failed")]
    assert data["last_run_states"]["failed"] == len(bad_night["down_urls"]) + 1
    failed = {p["url"]: p for p in data["failed_pages"]}
    assert set(failed) == bad_night["down_urls"] | {bad_night["strip_failed_url"]}
    assert all("HTTP 500" in failed[u]["reason"] for u in bad_night["down_urls"])
    # a report page given as a start URL fails while being discovered; a listed one when fetched
    assert {failed[u]["stage"] for u in bad_night["down_urls"]} == {"discover", "fetch"}
    broken = failed[bad_night["strip_failed_url"]]
    assert broken["stage"] == "strip" and "stripper crashed" in broken["reason"]


@pytest.mark.e2e
def test_status_text_shows_the_runs_and_the_failed_pages(bad_night):
    result = bad_night["status_text"]
    assert result.exit_code == 0, result.output
    assert "recent runs" in result.output and "failed" in result.output
    assert "pages whose last state is failed" in result.output


@pytest.mark.e2e
def test_rerun_filters_by_date(bad_night):
    result = bad_night["rerun_future"]
    assert result.exit_code == 0 and "nothing to re-run" in result.output


@pytest.mark.e2e
def test_rerun_loads_exactly_what_the_bad_night_missed(bad_night):
    result = bad_night["rerun"]
    assert result.exit_code == 0, result.output
    plan = " ".join(result.output.split())
    assert "2 to fetch again, 1 from the raw archive, 2 listing pages to walk again" in plan
    assert bad_night["after_night"].documents == 0
    repaired, reference = bad_night["after_rerun"], bad_night["after_reference"]
    assert repaired.counts == reference.counts and repaired.facts > 0
    assert repaired.fact_keys == reference.fact_keys
    assert repaired.document_urls == reference.document_urls


@pytest.mark.e2e
def test_rerun_starts_each_page_at_the_stage_that_failed(bad_night):
    asked = bad_night["rerun_requests"]
    assert STRIP_BREAKS_ON not in asked["fw"], "a page that failed after fetch comes from the raw archive"
    for name in ("gx", "hl", "wk"):
        fetched_again = [p for p in asked[name] if not p.endswith(("robots.txt", "index.html"))]
        assert set(fetched_again) == set(report_paths(bad_night["night"].parent / "sites", name))
    assert not any(p.endswith("index.html") for p in asked["gx"]), "a listing page that worked is not walked again"


@pytest.mark.e2e
def test_a_second_rerun_has_nothing_to_do(bad_night):
    result = bad_night["rerun_again"]
    assert result.exit_code == 0 and "nothing to re-run" in result.output
    assert bad_night["after_second_rerun"] == bad_night["after_rerun"]


@pytest.mark.e2e
def test_reprocess_replaces_facts_without_the_network(bad_night, monkeypatch):
    """After an extractor change, reprocess re-reads the raw archive (the sites are stopped):
    facts the new extractor no longer finds disappear; the old extractor brings them back."""
    import dataclasses

    import scrapers.extract

    home = bad_night["reference"]
    db = home / "warehouse.db"
    before = snapshot(db)
    by_code = table_rows(db, "select indicator_code, count(*) n from v_facts group by 1 order by 2 desc")
    dropped = by_code[0]["indicator_code"]
    real_extract = scrapers.extract.extract_facts

    def extractor_without(doc, region, *args, **kw):
        found = real_extract(doc, region, *args, **kw)
        return dataclasses.replace(found, facts=tuple(f for f in found.facts if f.indicator_code != dropped))

    monkeypatch.setattr(scrapers.extract, "extract_facts", extractor_without)
    result = township("reprocess", *wh_args(home))
    assert result.exit_code == 0, result.output
    after = snapshot(db)
    assert table_rows(db, f"select * from v_facts where indicator_code = '{dropped}'") == []
    assert after.documents == before.documents
    assert after.facts == before.facts - by_code[0]["n"]
    assert after.fact_keys < before.fact_keys

    monkeypatch.setattr(scrapers.extract, "extract_facts", real_extract)
    again = township("reprocess", "--since", "2000-01-01", *wh_args(home))
    assert again.exit_code == 0, again.output
    assert snapshot(db) == before
    kinds = [r["kind"] for r in table_rows(db, "select kind from runs order by started_at")]
    assert kinds == ["nightly", "reprocess", "reprocess"]


# --------------------------------------------------------------------------- 4, 7: backfill, politeness
WINDOW = ("2021-12-01", "2022-03-31")
MIN_DELAY = 0.1
# The server stamps a request when it arrives; connection set-up delays one arrival a few ms
# more than the next, so spacing is checked to within this much.
ARRIVAL_JITTER_S = 0.03


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory, prefect_harness):
    """Two backfills of a window of the county portal, on sites that hold each request a while
    and record how many are in flight, with two requests per host allowed, 0.1 s apart."""
    tmp = tmp_path_factory.mktemp("backfill")
    root = copy_sites(tmp, ["ln", "gx"])
    home = tmp / "home"
    out: dict = {"home": home}
    # each answer takes 0.3 s, three times the delay: an unbounded crawler would have 3+ in flight
    with ops_sites(root, hold_s=0.3) as sites:
        sources = write_sources(tmp / "sources.yaml", start_urls(root, sites), min_delay_s=MIN_DELAY,
                                per_host_concurrency=2)
        args = ["backfill", "--from", WINDOW[0], "--to", WINDOW[1], "--sources", sources, *wh_args(home)]
        out["first"] = township(*args)
        out["after_first"] = snapshot(home / "warehouse.db")
        out["politeness"] = {n: (s.max_in_flight, s.min_spacing(), len(s.starts)) for n, s in sites.items()}
        out["second"] = township(*args)
        out["after_second"] = snapshot(home / "warehouse.db")
    return out


@pytest.mark.e2e
def test_backfill_loads_the_reports_published_in_the_window(backfilled):
    result = backfilled["first"]
    assert result.exit_code == 0, result.output
    db = backfilled["home"] / "warehouse.db"
    # in the window: twelve December notices ("详见附件", no body: skipped), the January summary
    # (listed, but 404) and the March plan; nothing published after March is asked for
    ledger = table_rows(db, "select url, stage, state, reason from page_ledger")
    asked = {r["url"].split("/")[-2] for r in ledger if r["stage"] != "discover"}
    assert asked == {"202112", "202201", "202203"}
    skipped = {r["url"] for r in ledger if r["state"] == "skipped" and "/202112/" in r["url"]}
    assert len(skipped) == 12
    missing = [r for r in ledger if "t20220110_0555" in r["url"]]
    assert missing and all(r["state"] == "failed" and "404" in r["reason"] for r in missing)
    docs = table_rows(db, "select url, published_date from documents")
    assert [d["url"].rsplit("/", 1)[1] for d in docs] == ["t20220315_0907.html"]
    assert all(WINDOW[0] <= str(d["published_date"]) <= WINDOW[1] for d in docs)


@pytest.mark.e2e
def test_backfill_twice_gives_the_same_rows(backfilled):
    assert backfilled["second"].exit_code == 0, backfilled["second"].output
    assert backfilled["after_second"] == backfilled["after_first"]


@pytest.mark.e2e
def test_fetches_never_exceed_a_hosts_politeness(backfilled):
    for site, (max_in_flight, min_spacing, requests) in backfilled["politeness"].items():
        assert requests >= 2, site
        assert max_in_flight <= 2, f"{site}: {max_in_flight} requests in flight at once"
        assert min_spacing >= MIN_DELAY - ARRIVAL_JITTER_S, f"{site}: two requests {min_spacing:.3f} s apart"
    busy, _, _ = backfilled["politeness"]["ln"]
    assert busy == 2, "the listing site's pages were fetched two at a time, as allowed"
