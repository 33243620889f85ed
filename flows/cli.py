"""The `township` command line.

Only Typer and Rich are imported at start-up: Prefect, Great Expectations,
SQLAlchemy and the scrapers are imported inside the command that needs them,
so `township --help` answers at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="Township work reports -> indicator warehouse.", no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False, add_completion=False)
db_app = typer.Typer(help="Warehouse schema management.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console(stderr=True)
out = Console()

WarehouseOpt = Annotated[str | None, typer.Option("--warehouse", "-w", help="SQLAlchemy URL of the warehouse "
                         "(default: sqlite:///<home>/warehouse.db; env TOWNSHIP_WAREHOUSE).")]
HomeOpt = Annotated[Path | None, typer.Option("--home", help="Folder for the warehouse file, raw archive and "
                    "Data Docs (default ./township-data; env TOWNSHIP_HOME).")]


def fail(message: str, code: int = 2) -> typer.Exit:
    """A one-line error for the user; never a traceback."""
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _home(home: Path | None) -> Path:
    from flows.settings import home_dir

    path = (home or home_dir()).resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(f"cannot create home folder {path}: {exc.strerror}") from None
    return path


def _warehouse_url(warehouse: str | None, home: Path) -> str:
    from flows.settings import default_warehouse_url

    return warehouse or default_warehouse_url(home)


def _quiet_prefect(home: Path | None = None) -> None:
    """Prefect for a CLI run: quiet logs, no telemetry, and its own database under our home.

    The ephemeral API keeps its run history in SQLite; two runs sharing ~/.prefect's
    database trip over each other's locks, so each township home gets its own, unless
    the operator points Prefect at a real server (PREFECT_API_URL) or database.
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    # A fresh Prefect database takes longer than the default 20 s to migrate on a small machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    if home is not None and not os.environ.get("PREFECT_API_URL"):
        os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_ENABLED", "true")
        # The ephemeral API lives only as long as this command: it needs no UI and none of the
        # background services that schedule, reschedule or clean up runs for a long-lived server.
        os.environ.setdefault("PREFECT_SERVER_UI_ENABLED", "false")
        for service in ("SCHEDULER", "LATE_RUNS", "FOREMAN", "CANCELLATION_CLEANUP", "PAUSE_EXPIRATIONS",
                        "REPOSSESSOR", "CLEANUP_RECONCILER", "DB_VACUUM", "TRIGGERS", "EVENT_LOGGER"):
            os.environ.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")
        os.environ.setdefault("PREFECT_SERVER_DATABASE_CONNECTION_URL",
                              f"sqlite+aiosqlite:///{home / 'prefect.db'}")


def _prefect_api(home: Path):
    """Prefect set up for a command that runs a flow, its ephemeral API booting in the background."""
    from flows import prefect_api

    _quiet_prefect(home)
    return prefect_api.started(home)


@app.command()
def run(
    start_url: Annotated[list[str] | None, typer.Option("--start-url", "-u", help="A listing page or report "
                                                        "page to crawl from (repeatable).")] = None,
    sources: Annotated[Path | None, typer.Option("--sources", "-s", help="Sources YAML (sites, start pages, "
                                                 "scope, politeness settings).")] = None,
    warehouse: WarehouseOpt = None,
    home: HomeOpt = None,
    task_runner: Annotated[str, typer.Option("--task-runner", help="threads | dask (a local 2-worker cluster) "
                                             "| tcp://host:port of a Dask scheduler")] = "threads",
) -> None:
    """Run the nightly flow now.  With no start URLs and no sources file, crawl the bundled demo sites."""
    from contextlib import nullcontext

    from flows.runner import build_config, run_nightly

    home_path = _home(home)
    url = _warehouse_url(warehouse, home_path)
    demo = not start_url and sources is None
    if demo:
        from flows.demo import DEMO_BASE_PORT, demo_start_urls, serve_sites

        serving = serve_sites(base_port=DEMO_BASE_PORT)
    else:
        serving = nullcontext({})
    with _prefect_api(home_path), serving as origins:
        starts = demo_start_urls(origins) if demo else list(start_url or [])
        cfg = build_config(url, home_path, starts, sources, demo=demo, on_error=fail)
        if task_runner != "threads":
            from dataclasses import replace

            cfg = replace(cfg, task_runner=task_runner)
        if demo:
            console.print(f"Serving {len(origins)} demo sites on 127.0.0.1; crawling {len(starts)} start pages.")
        summary, ok = run_nightly(cfg, console, on_error=fail)
    from flows.report import print_summary

    print_summary(out, summary, cfg)
    raise typer.Exit(0 if ok else 1)


@db_app.command("upgrade")
def db_upgrade(warehouse: WarehouseOpt = None, home: HomeOpt = None) -> None:
    """Create the warehouse or apply pending migrations."""
    from schemas.warehouse import Warehouse, WarehouseError

    url = _warehouse_url(warehouse, _home(home))
    try:
        Warehouse(url).upgrade()
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    out.print(f"warehouse at {url} is up to date")


@app.command()
def status(
    warehouse: WarehouseOpt = None,
    home: HomeOpt = None,
    runs: Annotated[int, typer.Option(help="How many recent runs to show.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The last runs, pages per state, and the pages that failed with their errors."""
    from flows.report import print_status, status_data
    from schemas.warehouse import Warehouse, WarehouseError

    url = _warehouse_url(warehouse, _home(home))
    try:
        data = status_data(Warehouse(url), runs)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print_status(out, data)


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="A SELECT statement (the connection is read-only).")],
    warehouse: WarehouseOpt = None,
    home: HomeOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | csv | json | parquet")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Query the warehouse read-only; print a table or write CSV/JSON/Parquet."""
    from flows.report import write_rows
    from schemas.query import QueryError, run_query

    url = _warehouse_url(warehouse, _home(home))
    try:
        columns, rows = run_query(url, sql)
        write_rows(out, columns, rows, fmt, output)
    except (QueryError, ValueError) as exc:
        raise fail(str(exc)) from None


@app.command()
def export(
    view: Annotated[str, typer.Argument(help="A view or table, e.g. v_facts.")],
    path: Annotated[Path, typer.Argument(help="Output file; .csv, .parquet or .json.")],
    warehouse: WarehouseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Export a view of the warehouse to CSV or Parquet."""
    from schemas.query import QueryError, export_view

    url = _warehouse_url(warehouse, _home(home))
    fmt = path.suffix.lstrip(".").lower() or "csv"
    try:
        n = export_view(url, view, path, fmt=fmt)
    except (QueryError, ValueError) as exc:
        raise fail(str(exc)) from None
    out.print(f"wrote {n} rows of {view} to {path}")


def _archive_and_warehouse(warehouse: str | None, home: Path | None):
    from flows.settings import RunConfig
    from flows.stages import archive
    from flows.stages import warehouse as shared_warehouse
    from schemas.warehouse import WarehouseError

    home_path = _home(home)
    url = _warehouse_url(warehouse, home_path)
    cfg = RunConfig(warehouse_url=url, home=str(home_path), start_urls=())
    try:
        wh = shared_warehouse(cfg)  # the object the re-run flow will use: upgraded once, here
        wh.ensure_upgraded()
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    return cfg, wh, archive(cfg)


def _parse_date(value: str | None, name: str):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{name}: not a date (YYYY-MM-DD): {value!r}") from None


def _run_plan(cfg, plan, kind: str) -> None:
    from dataclasses import replace

    # pages to fetch again keep their own hosts trusted, as the run that found them did
    from urllib.parse import urlsplit

    from flows.report import print_summary
    from flows.runner import run_nightly

    hosts = {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}/" for u in [*plan.fetch, *plan.listings]}
    cfg = replace(cfg, start_urls=tuple(sorted(hosts)))
    with _prefect_api(Path(cfg.home)):
        summary, ok = run_nightly(cfg, console, on_error=fail, run_kind=kind, plan=plan)
    print_summary(out, summary, cfg)
    raise typer.Exit(0 if ok else 1)


@app.command()
def rerun(
    failed: Annotated[bool, typer.Option("--failed", help="Re-process the pages whose last state is failed.")] = False,
    run_id: Annotated[str | None, typer.Option("--run", help="Only pages that failed in this run.")] = None,
    since: Annotated[str | None, typer.Option(help="Only pages that failed since this date (YYYY-MM-DD).")] = None,
    warehouse: WarehouseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Re-run what failed, each page from the stage that failed (the raw archive when it has the bytes)."""
    from datetime import datetime

    from flows.operations import plan_rerun

    if not failed:
        raise fail("say what to re-run: --failed")
    day = _parse_date(since, "--since")
    cfg, wh, arc = _archive_and_warehouse(warehouse, home)
    plan = plan_rerun(wh, arc, run_id=run_id, since=datetime.combine(day, datetime.min.time()) if day else None)
    if plan.empty:
        out.print("nothing to re-run: no page's last state is failed")
        raise typer.Exit(0)
    console.print(f"re-running {plan.describe()}")
    _run_plan(cfg, plan, "rerun")


@app.command()
def reprocess(
    since: Annotated[str | None, typer.Option(help="Only documents published since this date.")] = None,
    warehouse: WarehouseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Strip, extract, validate and reload archived pages without the network (after an upgrade)."""
    from flows.operations import plan_reprocess

    day = _parse_date(since, "--since")
    cfg, wh, arc = _archive_and_warehouse(warehouse, home)
    plan, missing = plan_reprocess(wh, arc, since=day)
    for url in missing:
        console.print(f"[yellow]not in the raw archive, left as is:[/] {url}")
    if plan.empty:
        out.print("nothing to reprocess")
        raise typer.Exit(0)
    console.print(f"reprocessing {len(plan.archived)} archived pages")
    _run_plan(cfg, plan, "reprocess")


@app.command()
def backfill(
    date_from: Annotated[str, typer.Option("--from", help="First publication date (YYYY-MM-DD).")],
    date_to: Annotated[str, typer.Option("--to", help="Last publication date (YYYY-MM-DD).")],
    start_url: Annotated[list[str] | None, typer.Option("--start-url", "-u")] = None,
    sources: Annotated[Path | None, typer.Option("--sources", "-s")] = None,
    warehouse: WarehouseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Walk listing pages back to --from and load the reports published in [--from, --to] that are missing."""
    from dataclasses import replace
    from datetime import date

    from flows.report import print_summary
    from flows.runner import build_config, run_nightly

    lo, hi = _parse_date(date_from, "--from"), _parse_date(date_to, "--to")
    if lo > hi:
        raise fail("--from is after --to")
    home_path = _home(home)
    cfg = build_config(_warehouse_url(warehouse, home_path), home_path, list(start_url or []), sources,
                       demo=False, on_error=fail)
    cfg = replace(cfg, horizon_days=(date.today() - lo).days + 1, max_listing_pages=max(cfg.max_listing_pages, 500),
                  published_window=(lo.isoformat(), hi.isoformat()))
    with _prefect_api(home_path):
        summary, ok = run_nightly(cfg, console, on_error=fail, run_kind="backfill")
    print_summary(out, summary, cfg)
    raise typer.Exit(0 if ok else 1)


@app.command()
def serve(
    sources: Annotated[Path, typer.Option("--sources", "-s", help="Sources YAML the nightly run crawls.")],
    cron: Annotated[str, typer.Option(help="Cron schedule, in --timezone.")] = "0 2 * * *",
    timezone: Annotated[str, typer.Option(help="IANA time zone of the schedule.")] = "Asia/Shanghai",
    warehouse: WarehouseOpt = None,
    home: HomeOpt = None,
) -> None:
    """Serve the nightly deployment on this machine (cron schedule, Asia/Shanghai by default)."""
    from prefect.schedules import Cron

    from flows.nightly import scheduled_nightly
    from scrapers.sources import SourcesError, load_sources

    try:
        load_sources(sources)
    except SourcesError as exc:
        raise fail(str(exc)) from None
    home_path = _home(home)
    params = {"sources_file": str(sources.resolve()), "warehouse_url": _warehouse_url(warehouse, home_path),
              "home": str(home_path)}
    scheduled_nightly.serve(name="nightly", schedules=[Cron(cron, timezone=timezone)], parameters=params,
                            tags=["township"], limit=1)


@app.command()
def docs(home: HomeOpt = None) -> None:
    """Open the latest run's Great Expectations Data Docs."""
    import webbrowser

    root = _home(home) / "data-docs"
    indexes = sorted(root.glob("*/**/index.html"), key=lambda p: p.stat().st_mtime)
    if not indexes:
        raise fail(f"no Data Docs under {root} yet: run `township run` first")
    out.print(f"Data Docs: {indexes[-1]}")
    webbrowser.open(indexes[-1].as_uri())


@app.command()
def ui(
    warehouse: WarehouseOpt = None,
    home: HomeOpt = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8001,
) -> None:
    """Browse the SQLite warehouse in Datasette (read-only, with canned queries)."""
    import shutil
    import subprocess

    from sqlalchemy.engine import make_url

    from flows.ui import datasette_command

    home_path = _home(home)
    url = make_url(_warehouse_url(warehouse, home_path))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise fail("township ui serves a SQLite warehouse; for PostgreSQL use `township query` or any SQL client")
    db = Path(url.database)
    if not db.exists():
        raise fail(f"no warehouse at {db}: run `township run` first")
    exe = shutil.which("datasette") or str(Path(sys.executable).with_name("datasette"))
    cmd = datasette_command(db, home_path / "datasette-metadata.json", port)
    out.print(f"Datasette on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    with contextlib.suppress(KeyboardInterrupt):
        subprocess.run([exe, *cmd[1:]], check=False)


def main() -> None:  # pragma: no cover - console entry point
    try:
        app()
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)


