"""Run a flow from the CLI: build its config, draw progress, turn its end state into an exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows.settings import RunConfig

STAGES = ("discover", "fetch", "strip", "extract", "validate", "load")


def build_config(warehouse_url: str, home: Path, start_urls: list[str], sources: Path | None, *,
                 demo: bool, on_error: Callable[[str], BaseException]) -> RunConfig:
    """Start URLs from the command line and/or a sources file -> one RunConfig."""
    fetch: dict = {}
    allow: list[str] = []
    horizon = None
    max_pages = 50
    starts = list(start_urls)
    if sources is not None:
        from scrapers.sources import SourcesError, load_sources

        try:
            src = load_sources(sources)
        except SourcesError as exc:
            raise on_error(str(exc)) from None
        starts += [u for site in src.sites for u in site.start_urls]
        allow += [a for site in src.sites for a in site.allow]
        fetch = src.settings.fetch_overrides()
        horizons = [s.horizon_days for s in src.sites if s.horizon_days]
        horizon = max(horizons) if horizons else None
        max_pages = src.settings.max_listing_pages
    bad = [u for u in starts if not u.lower().startswith(("http://", "https://"))]
    if bad:
        raise on_error(f"not an http(s) URL: {bad[0]}")
    if not starts:
        raise on_error("nothing to crawl: give --start-url or a --sources file with start_urls")
    if demo:
        # The demo sites are local; a short per-host delay keeps the demo quick while
        # robots.txt Crawl-delay is still honoured where a site asks for it.
        fetch.setdefault("min_delay_s", 0.2)
    return RunConfig(warehouse_url=warehouse_url, home=str(home), start_urls=tuple(dict.fromkeys(starts)),
                     sources_file=str(sources) if sources else None, allow=tuple(allow), fetch=fetch,
                     max_listing_pages=max_pages, horizon_days=horizon)


def run_nightly(cfg: RunConfig, console: Console, *, on_error: Callable[[str], BaseException],
                run_kind: str = "nightly", plan=None):
    """Run the nightly flow (or, given a RerunPlan, exactly its pages) with progress bars.

    Returns (summary, ok): ok is False when the run ended in a non-success state."""
    from flows import stages
    from schemas.warehouse import WarehouseError

    try:
        stages.warehouse(cfg).ensure_upgraded()  # fail fast, before Prefect starts, on a bad warehouse URL
    except WarehouseError as exc:
        raise on_error(str(exc)) from None

    console.print("Starting Prefect (ephemeral API) ...")
    from flows import prefect_api
    from flows.nightly import nightly, rerun_flow

    prefect_api.wait_ready(on_error)

    with Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        bars = {name: progress.add_task(name, total=None) for name in STAGES}
        progress.update(bars["discover"], total=len(cfg.start_urls))

        def hook(stage: str, n: int) -> None:
            progress.advance(bars[stage], n)

        stages.set_progress_hook(hook)
        try:
            if plan is None:
                state = with_runner(nightly, cfg)(cfg, run_kind, return_state=True)
            else:
                progress.update(bars["discover"], total=len(plan.listings))
                state = with_runner(rerun_flow, cfg)(cfg, plan.fetch, plan.archived, plan.listings, run_kind,
                                                     return_state=True)
        except Exception as exc:
            raise on_error(f"the run failed: {exc.__class__.__name__}: {exc}") from None
        finally:
            stages.set_progress_hook(None)
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException):
        raise on_error(f"the run failed: {summary.__class__.__name__}: {summary}")
    return summary, state.is_completed()


def with_runner(flow, cfg: RunConfig):
    """The flow on the task runner the config names: threads here, or a Dask cluster."""
    if cfg.task_runner == "threads":
        return flow
    from prefect_dask import DaskTaskRunner

    if cfg.task_runner == "dask":
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 2, "processes": True,
                                                "dashboard_address": None})
    else:
        runner = DaskTaskRunner(address=cfg.task_runner)
    return flow.with_options(task_runner=runner)
