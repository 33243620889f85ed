"""Sites for the operators' tests: copies of the demo sites served on 127.0.0.1 by a server
that can be told to fail, and that records what a polite crawler must respect.

    with ops_sites(copy_sites(tmp_path, ["gx", "hl"])) as sites:
        sites["gx"].failing.add("/xzgk/sdz/202307/t20230720_523.html")   # answers 500 while set
        ...
        sites["gx"].max_in_flight, sites["gx"].starts                  # politeness evidence

No test lives here; the operators' test modules import it.
"""

from __future__ import annotations

import functools
import itertools
import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from flows.demo import DEMO_ROOT


class _RecordingHandler(SimpleHTTPRequestHandler):
    server: _SiteServer

    def do_GET(self) -> None:
        srv = self.server
        path = self.path.split("?", 1)[0]
        with srv.lock:
            srv.in_flight += 1
            srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
            srv.starts.append(time.monotonic())
            srv.paths.append(path)
            failing = path in srv.failing
        try:
            # Holding each request a moment makes overlapping requests observable.
            time.sleep(srv.hold_s)
            if failing:
                self.send_error(500, "site is down")
                return
            super().do_GET()
        finally:
            with srv.lock:
                srv.in_flight -= 1

    def log_message(self, *args: object) -> None:
        pass


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, folder: Path, hold_s: float):
        super().__init__(("127.0.0.1", 0), functools.partial(_RecordingHandler, directory=str(folder)))
        self.lock = threading.Lock()
        self.failing: set[str] = set()
        self.hold_s = hold_s
        self.in_flight = 0
        self.max_in_flight = 0
        self.starts: list[float] = []
        self.paths: list[str] = []

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def min_spacing(self) -> float:
        starts = sorted(self.starts)
        return min((b - a for a, b in itertools.pairwise(starts)), default=float("inf"))

    def forget(self) -> None:
        with self.lock:
            self.starts.clear()
            self.paths.clear()
            self.max_in_flight = 0


def copy_sites(dest: Path, names: list[str], *, crawl_delay: bool = False) -> Path:
    """Copy demo sites (and their manifest) under dest; robots.txt Crawl-delay removed unless asked."""
    root = dest / "sites"
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copytree(DEMO_ROOT / name, root / name)
        robots = root / name / "robots.txt"
        if robots.exists() and not crawl_delay:
            lines = robots.read_text("utf-8").splitlines()
            robots.write_text("\n".join(x for x in lines if not x.lower().startswith("crawl-delay")) + "\n", "utf-8")
    manifest = json.loads((DEMO_ROOT / "MANIFEST.json").read_text("utf-8"))
    manifest["sites"] = [s for s in manifest["sites"] if s["site"] in names]
    (root / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return root


@contextmanager
def ops_sites(root: Path, hold_s: float = 0.0) -> Iterator[dict[str, _SiteServer]]:
    """Serve every site folder under root on its own port; yields {site: server}."""
    with ExitStack() as stack:
        servers: dict[str, _SiteServer] = {}
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            server = _SiteServer(folder, hold_s)
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
            stack.callback(server.server_close)
            stack.callback(server.shutdown)
            servers[folder.name] = server
        yield servers


def start_urls(root: Path, servers: dict[str, _SiteServer]) -> list[str]:
    """Listing pages of the served sites, or their report pages when they have no listing."""
    manifest = json.loads((root / "MANIFEST.json").read_text("utf-8"))
    urls = []
    for site in manifest["sites"]:
        paths = site["start_urls"] or [r["url"] for r in site["reports"]]
        urls += [servers[site["site"]].origin + p for p in paths]
    return urls


def report_paths(root: Path, name: str) -> list[str]:
    manifest = json.loads((root / "MANIFEST.json").read_text("utf-8"))
    site = next(s for s in manifest["sites"] if s["site"] == name)
    return [r["url"] for r in site["reports"]] + list(site["decoys"])


def write_sources(path: Path, urls: list[str], *, min_delay_s: float = 0.05, per_host_concurrency: int = 1,
                  max_attempts: int = 1) -> Path:
    """A sources file with quick politeness settings: tests must not wait like a real crawl."""
    data = {
        "settings": {"user_agent_contact": "tests@example.org", "min_delay_s": min_delay_s,
                     "per_host_concurrency": per_host_concurrency, "max_attempts": max_attempts,
                     "timeout_s": [2, 5]},
        "sites": [{"name": f"site {i}", "start_urls": [u]} for i, u in enumerate(urls)],
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


@dataclass(frozen=True)
class Snapshot:
    """What an operator compares between two warehouses."""

    documents: int
    facts: int
    quarantined: int
    fact_keys: frozenset[str]
    document_urls: frozenset[str]

    @property
    def counts(self) -> tuple[int, int, int]:
        return self.documents, self.facts, self.quarantined


def snapshot(db: Path) -> Snapshot:
    con = sqlite3.connect(db, timeout=30)
    try:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return Snapshot(
            documents=one("select count(*) from documents"),
            facts=one("select count(*) from facts"),
            quarantined=one("select count(*) from quarantined_facts"),
            fact_keys=frozenset(r[0] for r in con.execute("select fact_key from facts")),
            document_urls=frozenset(r[0] for r in con.execute("select url from documents")),
        )
    finally:
        con.close()


def table_rows(db: Path, sql: str) -> list[dict]:
    con = sqlite3.connect(db, timeout=30)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql)]
    finally:
        con.close()
