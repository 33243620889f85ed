"""What the CLI prints: run summaries, status, query results."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, is_dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

EXAMPLE_QUERY = (
    "township query \"select township, indicator_code, value, period_start, period_end "
    "from v_facts order by township, indicator_code limit 20\""
)


def print_summary(out: Console, summary, cfg) -> None:
    s = summary.get
    table = Table(title=f"run {summary.run_id[:12]}", show_header=False)
    rows = [
        ("start pages", summary.start_urls),
        ("pages discovered", summary.discovered),
        ("pages fetched", s("fetched")),
        ("pages unchanged", s("unchanged")),
        ("pages loaded", s("loaded")),
        ("pages quarantined", s("quarantined")),
        ("pages skipped", s("skipped")),
        ("pages failed", s("failed")),
        ("facts loaded", s("facts_loaded")),
        ("facts quarantined", s("facts_quarantined")),
    ]
    for k, v in rows:
        table.add_row(k, str(v))
    out.print(table)
    if summary.top_failing_expectations:
        out.print("top failing expectations: " + ", ".join(f"{n} ({c})" for n, c in
                                                           summary.top_failing_expectations))
    for w in summary.batch_warnings:
        out.print(f"[yellow]batch warning:[/] {w}")
    for a in summary.alerts:
        out.print(f"[bold red]alert:[/] {a}")
    # paths and the command are printed whole, never folded: operators copy them
    out.print(f"warehouse: {cfg.warehouse_url}", soft_wrap=True, highlight=False)
    if summary.data_docs:
        out.print(f"data docs: {summary.data_docs}", soft_wrap=True, highlight=False)
    home_opt = f" --home {cfg.home}" if cfg.warehouse_url.endswith(f"{cfg.home}/warehouse.db") else ""
    out.print(f"try: {EXAMPLE_QUERY}{home_opt}", highlight=False, soft_wrap=True)


def _plain(obj):
    return asdict(obj) if is_dataclass(obj) else obj


def status_data(wh, runs: int) -> dict:
    recent = [_plain(r) for r in wh.recent_runs(runs)]
    last = recent[0]["run_id"] if recent else None
    return {
        "runs": recent,
        "last_run_states": wh.page_state_counts(last) if last else {},
        "failed_pages": [_plain(p) for p in wh.failed_pages()],
    }


def print_status(out: Console, data: dict) -> None:
    if not data["runs"]:
        out.print("no runs yet: start one with `township run`")
        return
    t = Table(title="recent runs")
    keys = [k for k in ("run_id", "kind", "started_at", "finished_at", "status") if k in data["runs"][0]]
    for k in keys:
        t.add_column(k, no_wrap=True)
    for r in data["runs"]:
        t.add_row(*[str(r.get(k) or "")[:19] if k != "run_id" else str(r[k])[:12] for k in keys])
    out.print(t)
    out.print("pages in the last run: " + ", ".join(f"{k} {v}" for k, v in sorted(data["last_run_states"].items())))
    if data["failed_pages"]:
        f = Table(title="pages whose last state is failed")
        f.add_column("url", overflow="fold")  # an operator copies the whole URL from here
        for k in ("stage", "reason"):
            f.add_column(k)
        for p in data["failed_pages"]:
            f.add_row(str(p.get("url")), str(p.get("stage")), str(p.get("reason")))
        out.print(f)
    else:
        out.print("no failed pages")


def write_rows(out: Console, columns: list[str], rows: list, fmt: str, output: Path | None) -> None:
    fmt = fmt.lower()
    if fmt == "table":
        if output is not None:
            raise ValueError("--output needs --format csv, json or parquet")
        t = Table()
        for c in columns:
            t.add_column(c)
        for r in rows:
            t.add_row(*["" if v is None else str(v) for v in r])
        out.print(t)
        return
    if fmt == "parquet":
        if output is None:
            raise ValueError("parquet needs --output FILE")
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist([dict(zip(columns, r, strict=True)) for r in rows]), output)
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(columns)
        w.writerows(rows)
        text = buf.getvalue()
    elif fmt == "json":
        text = json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False,
                          default=str, indent=1) + "\n"
    else:
        raise ValueError(f"unknown format {fmt!r}: use table, csv, json or parquet")
    if output is None:
        print(text, end="")
    else:
        output.write_text(text, "utf-8")
