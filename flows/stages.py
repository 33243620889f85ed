"""The data path as plain functions over batches of pages, with I/O at the edges.

The Prefect flow (nightly.py) only maps these over batches, sets retries and
records state; operators' commands (rerun, reprocess) reuse them.  Every page
that enters a stage leaves it either passed on to the next stage or with a
ledger row saying why it stopped (skipped / failed / unchanged).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flows.settings import RunConfig
from schemas.records import (
    CleanDocument,
    Extraction,
    FetchedPage,
    FetchOutcome,
    PageState,
    ProcessedDocument,
    Stage,
)
from schemas.warehouse_types import LoadResult

ProgressHook = Callable[[str, int], None]  # (stage, pages done)


def _no_progress(stage: str, n: int) -> None:
    pass


_progress: ProgressHook = _no_progress


def set_progress_hook(hook: ProgressHook | None) -> None:
    """The CLI's progress bars listen here, fed live by tasks running in threads of this process;
    results of tasks that ran in other processes (Dask workers) are fed by `progress_from`."""
    global _progress
    _progress = hook or _no_progress


def _advance(out: StageResult, stage: str, n: int = 1) -> None:
    out.progressed += n
    _progress(stage, n)


def ran_elsewhere(result: StageResult | Discovered) -> bool:
    """The task ran in another process (a Dask worker): its progress never reached our hook."""
    return result.pid != os.getpid()


def progress_from(stage: str, result: StageResult | Discovered) -> None:
    """Move the bars by a finished task's pages when it ran in another process."""
    if ran_elsewhere(result):
        _progress(stage, result.progressed)


def advance_progress(stage: str, n: int) -> None:
    """Move a bar from the flow itself (a stage whose task returns no StageResult)."""
    _progress(stage, n)


@dataclass(frozen=True)
class FetchedRef:
    """A page whose bytes are in the raw archive, ready to be stripped."""

    url: str
    content_hash: str


@dataclass
class StageResult:
    """Pages that go on, plus counts of how the others ended."""

    passed: list = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)
    progressed: int = 0  # pages this task moved its stage's progress bar by
    pid: int = field(default_factory=os.getpid)  # the process the task ran in (a Dask worker's is not ours)

    def count(self, state: PageState | str, n: int = 1) -> None:
        self.states[str(state)] = self.states.get(str(state), 0) + n


# --------------------------------------------------------------------------- resources
# One Warehouse, Fetcher and archive per process and config: politeness (per-host
# delays, robots.txt cache) must be shared by every thread that fetches.
_resources: dict[tuple, object] = {}
_resources_lock = threading.Lock()


def _resource(kind: str, cfg: RunConfig, make: Callable[[], object]):
    key = (kind, cfg.warehouse_url, cfg.home, repr(sorted(cfg.fetch.items())))
    with _resources_lock:
        if key not in _resources:
            _resources[key] = make()
        return _resources[key]


def warehouse(cfg: RunConfig):
    from schemas.warehouse import Warehouse

    return _resource("warehouse", cfg, lambda: Warehouse(cfg.warehouse_url))


def fetcher(cfg: RunConfig):
    from scrapers.fetch import Fetcher, FetchSettings

    return _resource("fetcher", cfg, lambda: Fetcher(FetchSettings(**cfg.fetch)))


def archive(cfg: RunConfig):
    from scrapers.archive import RawArchive

    return _resource("archive", cfg, lambda: RawArchive(cfg.archive_dir))


def trusted_hosts(cfg: RunConfig) -> set[str]:
    return {urlsplit(u).netloc for u in cfg.start_urls}


# --------------------------------------------------------------------------- discover
@dataclass
class Discovered:
    """Report URLs found from one start URL, and report pages discovery already holds."""

    urls: list[str] = field(default_factory=list)
    prefetched: dict[str, FetchedPage] = field(default_factory=dict)
    progressed: int = 1
    pid: int = field(default_factory=os.getpid)


def discover_reports(cfg: RunConfig, run_id: str, start_url: str) -> Discovered:
    """Start URL (listing or report page) -> report URLs; listing failures go to the ledger."""
    from scrapers.discover import crawl_listings

    horizon = (
        (datetime.now(UTC) - timedelta(days=cfg.horizon_days)).date() if cfg.horizon_days else None
    )
    result = crawl_listings(
        [start_url],
        fetcher(cfg),
        trusted_hosts=trusted_hosts(cfg),
        allow=cfg.allow,
        max_pages=cfg.max_listing_pages,
        horizon=horizon,
    )
    wh = warehouse(cfg)
    for entry in result.ledger:
        wh.record_page(run_id, entry.url, Stage.DISCOVER, entry.state, entry.reason)
    _progress("discover", 1)
    links = result.reports
    if cfg.published_window:
        lo, hi = (datetime.fromisoformat(d).date() for d in cfg.published_window)
        # a link without a date on the listing is kept: its page will say
        links = [link for link in links if link.date is None or lo <= link.date <= hi]
    return Discovered([link.url for link in links], dict(result.report_pages))


# --------------------------------------------------------------------------- fetch
def fetch_pages(cfg: RunConfig, run_id: str, urls: Sequence[str], *, force: bool = False,
                prefetched: Mapping[str, FetchedPage] | None = None) -> StageResult:
    """URLs -> pages in the raw archive.  Known, recently seen, unchanged pages stop here.

    `prefetched` holds pages discovery already fetched (a start URL that is a report):
    they go through the same checks without asking the site a second time."""
    wh, fx, arc = warehouse(cfg), fetcher(cfg), archive(cfg)
    out = StageResult()
    hosts = trusted_hosts(cfg)
    now = datetime.now(UTC)
    for url in urls:
        known = wh.get_url_state(url)
        # a page that ended anything but failed last time, unchanged since, would end the same way
        done_before = known is not None and known.last_state in (PageState.LOADED, PageState.QUARANTINED,
                                                                 PageState.SKIPPED, PageState.UNCHANGED)
        if done_before and not force and known.last_fetched_at is not None:
            age = now - known.last_fetched_at.replace(tzinfo=known.last_fetched_at.tzinfo or UTC)
            if age < timedelta(days=cfg.revisit_days):
                wh.record_page(run_id, url, Stage.FETCH, PageState.UNCHANGED, "seen recently", known.content_hash)
                out.count(PageState.UNCHANGED)
                _advance(out, "fetch")
                continue
        if prefetched and url in prefetched:
            outcome = FetchOutcome(url, PageState.LOADED, page=prefetched[url])
        else:
            outcome = fx.fetch(
                url,
                trusted_hosts=hosts,
                etag=known.etag if (known and done_before and not force) else None,
                last_modified=known.last_modified if (known and done_before and not force) else None,
            )
        _advance(out, "fetch")
        if outcome.not_modified or (
            outcome.ok and done_before and not force and outcome.page.content_hash == known.content_hash
        ):
            wh.record_page(run_id, url, Stage.FETCH, PageState.UNCHANGED, "not modified", known.content_hash)
            wh.touch_url_state(url)
            out.count(PageState.UNCHANGED)
            continue
        if not outcome.ok:
            wh.record_page(run_id, url, Stage.FETCH, outcome.state, outcome.reason)
            wh.set_url_state(url, state=outcome.state)
            out.count(outcome.state)
            continue
        page = outcome.page
        arc.put(page)  # archived before anything parses it
        wh.set_url_state(
            url,
            etag=page.headers.get("ETag") or page.headers.get("etag"),
            last_modified=page.headers.get("Last-Modified") or page.headers.get("last-modified"),
            content_hash=page.content_hash,
            state=None,
        )
        out.passed.append(FetchedRef(url, page.content_hash))
        out.count("fetched")
    return out


# --------------------------------------------------------------------------- strip
def strip_pages(cfg: RunConfig, run_id: str, refs: Iterable[FetchedRef]) -> StageResult:
    """Archived bytes -> CleanDocuments.  Pages with no report body are skipped with the reason."""
    from scrapers.encoding import decode_html
    from scrapers.strip import StripError, strip_chrome
    from scrapers.strip.profiles import profile_for

    wh, arc = warehouse(cfg), archive(cfg)
    out = StageResult()
    refs = list(refs)
    if refs:
        prewarm_validation()  # there is new content to validate: import GX while other hosts still fetch
    for ref in refs:
        try:
            page = arc.get(ref.content_hash)
            html = decode_html(page.body, page.headers)
            doc = strip_chrome(html, ref.url, content_hash=ref.content_hash, profile=profile_for(ref.url))
        except StripError as exc:
            _end(wh, run_id, ref, Stage.STRIP, PageState.SKIPPED, str(exc), out)
            continue
        except Exception as exc:
            _end(wh, run_id, ref, Stage.STRIP, PageState.FAILED, _one_line(exc), out)
            continue
        finally:
            _advance(out, "strip")
        out.passed.append(doc)
    return out


# --------------------------------------------------------------------------- extract
def extract_documents(cfg: RunConfig, run_id: str, docs: Iterable[CleanDocument]) -> StageResult:
    """CleanDocuments -> (document, extraction) pairs: region, period, candidate facts."""
    from scrapers.extract import extract_facts
    from scrapers.extract.region import resolve_region

    wh = warehouse(cfg)
    out = StageResult()
    for doc in docs:
        try:
            region = resolve_region(doc)
            out.passed.append((doc, extract_facts(doc, region)))
        except Exception as exc:
            ref = FetchedRef(doc.url, doc.content_hash)
            _end(wh, run_id, ref, Stage.EXTRACT, PageState.FAILED, _one_line(exc), out)
        finally:
            _advance(out, "extract")
    return out


# --------------------------------------------------------------------------- validate
_prewarm: threading.Thread | None = None


def prewarm_validation() -> None:
    """Import Great Expectations (6-8 s) in the background while the run is still fetching.

    GX's package has import cycles, so a second thread importing it at the same time can
    see a half-initialised module: the validate stage joins this thread before it imports.
    """
    global _prewarm

    def load() -> None:
        # a broken GX is reported by the validate stage itself, with its own message
        with contextlib.suppress(Exception):
            import great_expectations  # noqa: F401

    with _resources_lock:
        if _prewarm is None:
            _prewarm = threading.Thread(target=load, name="prewarm-gx", daemon=True)
            _prewarm.start()


def validate_batch(cfg: RunConfig, items: Sequence[tuple[CleanDocument, Extraction]], docs_dir=None):
    """One Great Expectations validation over every candidate fact of the run."""
    if not any(extraction.facts for _, extraction in items):
        # nothing to check (an incremental night where nothing changed): no need for GX at all
        return _empty_report(items)
    if _prewarm is not None:
        _prewarm.join()
    from expectations.validate import validate_documents

    report = validate_documents(list(items), docs_dir=docs_dir)
    _progress("validate", len(items))
    return report


def _empty_report(items):
    from expectations.validate import ValidationReport

    return ValidationReport(checked={doc.url: () for doc, _ in items}, batch_warnings=[], failure_counts={},
                            success=True, data_docs_index=None)


# --------------------------------------------------------------------------- load
def load_documents(cfg: RunConfig, run_id: str, items, report) -> StageResult:
    """Validated documents -> warehouse: the batch in one transaction, each document whole or absent
    (a document the warehouse refuses fails alone; Warehouse.load_documents)."""
    wh = warehouse(cfg)
    out = StageResult()
    batch = []
    for doc, extraction in items:
        checked = report.checked.get(doc.url, ())
        placeable = extraction.region.placeable and extraction.period_start is not None
        # A page with no indicator at all (a notice, a decoy) is loaded as a document with
        # no facts; "quarantined" is for pages whose facts are held back.
        held = bool(extraction.facts) and not placeable
        state = PageState.QUARANTINED if held else PageState.LOADED
        reason = _unplaceable_reason(extraction) if held else None
        batch.append(ProcessedDocument(doc, extraction, tuple(checked), state, reason))
    try:
        results = wh.load_documents(run_id, batch) if batch else []
    except Exception as exc:  # the warehouse is unreachable: every page of the batch failed to load
        results = [LoadResult(0, 0, error=_one_line(exc)) for _ in batch]
    for processed, result in zip(batch, results, strict=True):
        doc = processed.document
        _advance(out, "load")
        if result.error is not None:
            _end(wh, run_id, FetchedRef(doc.url, doc.content_hash), Stage.LOAD, PageState.FAILED, result.error, out)
            continue
        out.count(processed.state)
        out.count("facts_loaded", result.facts_loaded)
        out.count("facts_quarantined", result.facts_quarantined)
        out.passed.append(doc.url)
    return out


def _unplaceable_reason(extraction: Extraction) -> str:
    reasons = []
    if not extraction.region.placeable:
        reasons.append(f"no township ({extraction.region.status})")
    if extraction.period_start is None:
        reasons.append("no year")
    return "unplaceable: " + ", ".join(reasons)


def _end(wh, run_id: str, ref: FetchedRef, stage: Stage, state: PageState, reason: str, out: StageResult) -> None:
    wh.record_page(run_id, ref.url, stage, state, reason, ref.content_hash)
    wh.set_url_state(ref.url, state=state)
    out.count(state)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}"[:500]
