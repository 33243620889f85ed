"""The `nightly` Prefect flow: discover -> fetch -> strip -> extract -> validate -> load.

One task per stage, mapped over batches of pages (Prefect costs ~4 ms a mapped
task but 17-35 ms a sequential call, so pages travel in batches, one host per
batch: per-host politeness is enforced inside the fetcher, whatever the number
of workers).  Validation runs once over the whole run, so Great Expectations is
imported and its context built once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from urllib.parse import urlsplit

from prefect import flow, task, unmapped
from prefect.cache_policies import NONE
from prefect.futures import as_completed
from prefect.states import Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner

from flows import stages
from flows.operations import mark_abandoned_runs, this_process
from flows.settings import RunConfig
from schemas.records import PageState


@dataclass
class RunSummary:
    run_id: str
    warehouse_url: str
    start_urls: int = 0
    discovered: int = 0
    states: dict[str, int] = field(default_factory=dict)  # page states + facts_loaded / facts_quarantined
    top_failing_expectations: list[tuple[str, int]] = field(default_factory=list)
    batch_warnings: list[str] = field(default_factory=list)
    data_docs: str | None = None
    alerts: list[str] = field(default_factory=list)

    def get(self, key: str) -> int:
        return self.states.get(key, 0)


def batches_by_host(urls: list[str], per_host: int = 1) -> list[list[str]]:
    """All URLs of a host in `per_host` batches (its politeness concurrency), hosts in parallel.

    A host's pages never spread over more concurrent tasks than its politeness allows,
    however many workers (threads or Dask processes) the run has: the per-host delay in
    the fetcher then holds even when the workers do not share memory.
    """
    out: list[list[str]] = []
    ordered = sorted(dict.fromkeys(urls), key=lambda u: urlsplit(u).netloc)
    for _, group in groupby(ordered, key=lambda u: urlsplit(u).netloc):
        items = list(group)
        n = max(1, min(per_host, len(items)))
        out += [items[i::n] for i in range(n)]
    return out


@task(name="discover", cache_policy=NONE, retries=1, retry_delay_seconds=2)
def discover_task(cfg: RunConfig, run_id: str, start_url: str) -> stages.Discovered:
    return stages.discover_reports(cfg, run_id, start_url)


@task(name="fetch", cache_policy=NONE, retries=2, retry_delay_seconds=[2, 10])
def fetch_task(cfg: RunConfig, run_id: str, urls: list[str], force: bool = False,
               prefetched: dict | None = None) -> stages.StageResult:
    mine = {u: prefetched[u] for u in urls if u in prefetched} if prefetched else None
    return stages.fetch_pages(cfg, run_id, urls, force=force, prefetched=mine)


@task(name="strip", cache_policy=NONE)
def strip_task(cfg: RunConfig, run_id: str, fetched: stages.StageResult) -> stages.StageResult:
    return stages.strip_pages(cfg, run_id, fetched.passed)


@task(name="extract", cache_policy=NONE)
def extract_task(cfg: RunConfig, run_id: str, stripped: stages.StageResult) -> stages.StageResult:
    return stages.extract_documents(cfg, run_id, stripped.passed)


@task(name="validate", cache_policy=NONE)
def validate_task(cfg: RunConfig, extracted: list[stages.StageResult], docs_dir: str | None):
    items = [item for result in extracted for item in result.passed]
    return stages.validate_batch(cfg, items, docs_dir=docs_dir)


@task(name="load", cache_policy=NONE)
def load_task(cfg: RunConfig, run_id: str, extracted: stages.StageResult, report) -> stages.StageResult:
    return stages.load_documents(cfg, run_id, extracted.passed, report)


@task(name="from-archive", cache_policy=NONE)
def archived_task(refs: list[stages.FetchedRef]) -> stages.StageResult:
    """Pages already in the raw archive enter at the strip stage: no network."""
    return stages.StageResult(passed=list(refs))


def process_pages(cfg: RunConfig, run_id: str, urls: list[str], archived: list[stages.FetchedRef] = (),
                  *, force: bool = False, data_docs: bool = True,
                  prefetched: dict | None = None) -> tuple[Counter, object]:
    """fetch..load for report URLs, and strip..load for pages already archived (rerun, reprocess)."""
    batches = batches_by_host(urls, int(cfg.fetch.get("per_host_concurrency", 1)))
    from_archive = [list(archived[i : i + cfg.batch_size]) for i in range(0, len(archived), cfg.batch_size)]
    counts: Counter = Counter()
    if not batches and not from_archive:
        return counts, None
    fetched = (list(fetch_task.map(unmapped(cfg), unmapped(run_id), batches, unmapped(force), unmapped(prefetched)))
               if batches else [])
    fetched += list(archived_task.map(from_archive)) if from_archive else []
    stripped = strip_task.map(unmapped(cfg), unmapped(run_id), fetched)
    extracted = extract_task.map(unmapped(cfg), unmapped(run_id), stripped)
    docs_dir = str(cfg.docs_dir / run_id) if data_docs else None
    report = validate_task.submit(cfg, extracted, docs_dir)
    loaded = load_task.map(unmapped(cfg), unmapped(run_id), extracted, unmapped(report))
    stage_of = {f: stage for stage, futures in (("fetch", fetched), ("strip", stripped), ("extract", extracted),
                                                ("load", loaded)) for f in futures}
    results = []
    for future in as_completed(list(stage_of)):
        results.append(future.result())
        counts.update(results[-1].states)
        stages.progress_from(stage_of[future], results[-1])
    validation = report.result()
    if any(map(stages.ran_elsewhere, results)):  # validation ran on a worker too: its bar moves now
        stages.advance_progress("validate", sum(len(e.result().passed) for e in extracted))
    return counts, validation


def summarise(cfg: RunConfig, summary: RunSummary, counts: Counter, report) -> RunSummary:
    summary.states = dict(counts)
    if report is not None:
        summary.top_failing_expectations = sorted(report.failure_counts.items(), key=lambda kv: -kv[1])[:5]
        summary.batch_warnings = list(report.batch_warnings)
        summary.data_docs = str(report.data_docs_index) if report.data_docs_index else None
    summary.alerts.extend(run_alerts(cfg, counts))
    return summary


def run_alerts(cfg: RunConfig, counts: Counter) -> list[str]:
    """Why a run is not "Completed": a large share of its pages failed, or of its facts were held back.

    A share only means something systemic (a site down, an extractor regression) when it spans
    several pages; one bad page in a quiet night is that page's ledger state, not an alert, and a
    run restarted after a crash (left with only the pages the killed runs had not finished) must
    not end differently from one uninterrupted run.
    """
    alerts = []
    pages = sum(counts.get(str(s), 0) for s in PageState)
    failed = counts.get(str(PageState.FAILED), 0)
    if failed >= cfg.alert_min_pages and failed / pages > cfg.max_failed_share:
        alerts.append(f"{failed} of {pages} pages failed")
    facts = counts.get("facts_loaded", 0) + counts.get("facts_quarantined", 0)
    held_pages = counts.get(str(PageState.QUARANTINED), 0)
    if facts and held_pages >= cfg.alert_min_pages and counts["facts_quarantined"] / facts > cfg.quarantine_alert_share:
        alerts.append(f"{counts['facts_quarantined']} of {facts} facts quarantined")
    return alerts


def _flow_run_id() -> str | None:
    """The Prefect flow run this run is, so the ledger and the Prefect UI point at each other."""
    from prefect.runtime import flow_run

    return flow_run.id


def finish(cfg: RunConfig, summary: RunSummary):
    """Record the run in the ledger and give Prefect the state the UI should show."""
    status = "failed" if summary.alerts else "completed"
    stages.warehouse(cfg).finish_run(summary.run_id, status, summary.__dict__)
    if summary.alerts:
        return Failed(message="; ".join([*summary.alerts, validation_outcome(summary)]), data=summary)
    if summary.batch_warnings:
        # the UI shows the state's name: a run whose batch expectations failed is visibly not clean
        return Completed(name="Completed with warnings", message=validation_outcome(summary), data=summary)
    return Completed(message=validation_outcome(summary), data=summary)


def validation_outcome(summary: RunSummary) -> str:
    """One line for the flow run's state: what validation held back and why."""
    held = summary.get("facts_quarantined")
    text = f"validation: {summary.get('facts_loaded')} facts loaded, {held} quarantined"
    if summary.top_failing_expectations:
        text += " (" + ", ".join(f"{n} {c}" for n, c in summary.top_failing_expectations[:3]) + ")"
    if summary.batch_warnings:
        text += "; warnings: " + "; ".join(summary.batch_warnings)
    return text


@flow(name="nightly", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=False)
def nightly(cfg: RunConfig, run_kind: str = "nightly"):
    """Crawl every start URL into the warehouse; returns a RunSummary in the final state."""
    wh = stages.warehouse(cfg)
    wh.ensure_upgraded()
    mark_abandoned_runs(wh)
    run_id = wh.start_run(run_kind, {**cfg.as_params(), "process": this_process()},
                          prefect_flow_run_id=_flow_run_id())
    summary = RunSummary(run_id=run_id, warehouse_url=cfg.warehouse_url, start_urls=len(cfg.start_urls))
    found = discover_task.map(unmapped(cfg), unmapped(run_id), list(cfg.start_urls))
    discovered = found.result()
    for d in discovered:
        stages.progress_from("discover", d)
    urls = list(dict.fromkeys(u for d in discovered for u in d.urls))
    prefetched = {u: page for d in discovered for u, page in d.prefetched.items()}
    summary.discovered = len(urls)
    counts, report = process_pages(cfg, run_id, urls, prefetched=prefetched)
    return finish(cfg, summarise(cfg, summary, counts, report))


@flow(name="rerun", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=False)
def rerun_flow(cfg: RunConfig, urls: list[str], archived: list[stages.FetchedRef], listings: list[str],
               run_kind: str = "rerun"):
    """Process exactly these pages again: `urls` are fetched, `archived` start from the raw archive,
    `listings` are listing pages whose discovery failed (walked again, then their reports processed)."""
    wh = stages.warehouse(cfg)
    wh.ensure_upgraded()
    mark_abandoned_runs(wh)
    run_id = wh.start_run(run_kind, {**cfg.as_params(), "urls": urls, "listings": listings, "process": this_process(),
                                     "archived": [r.url for r in archived]}, prefect_flow_run_id=_flow_run_id())
    summary = RunSummary(run_id=run_id, warehouse_url=cfg.warehouse_url,
                         start_urls=len(urls) + len(archived) + len(listings))
    found = discover_task.map(unmapped(cfg), unmapped(run_id), listings) if listings else []
    discovered = [f.result() for f in found]
    for d in discovered:
        stages.progress_from("discover", d)
    urls = list(dict.fromkeys([*urls, *(u for d in discovered for u in d.urls)]))
    prefetched = {u: page for d in discovered for u, page in d.prefetched.items()}
    summary.discovered = len(urls) + len(archived)
    counts, report = process_pages(cfg, run_id, urls, list(archived), force=True, prefetched=prefetched)
    return finish(cfg, summarise(cfg, summary, counts, report))


@flow(name="nightly-scheduled", log_prints=True)
def scheduled_nightly(sources_file: str, warehouse_url: str | None = None, home: str | None = None):
    """The deployment's entry point: JSON-friendly parameters, the config built on the worker."""
    from pathlib import Path

    from flows.runner import build_config
    from flows.settings import default_warehouse_url, home_dir

    home_path = Path(home) if home else home_dir()
    home_path.mkdir(parents=True, exist_ok=True)

    def raise_error(message: str) -> BaseException:
        return ValueError(message)

    cfg = build_config(warehouse_url or default_warehouse_url(home_path), home_path, [], Path(sources_file),
                       demo=False, on_error=raise_error)
    return nightly(cfg, "scheduled")
