"""Bad input meets the operator as one line or a ledger state: never a traceback, never half a load."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.e2e

PAGES: dict[str, tuple[str, bytes]] = {
    "/empty.html": ("text/html; charset=utf-8", b""),
    "/report.pdf": ("application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
    "/blank.html": ("text/html; charset=utf-8", b"<html><head><title>x</title></head><body>   </body></html>"),
    "/broken.html": ("text/html", b"<html><body><div><p>\xff\xfe\x00 <<<<< </td></tr></table>"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ctype, body = PAGES.get(self.path, ("text/plain", b""))
        self.send_response(200 if self.path in PAGES else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def one_line_error(output: str) -> bool:
    return "Traceback" not in output and output.strip().startswith("error:") and output.strip().count("\n") <= 2


def test_a_warehouse_that_cannot_be_opened_is_one_line(tmp_path: Path):
    result = CliRunner().invoke(app, ["run", "--start-url", "http://127.0.0.1:9/", "--home", str(tmp_path),
                                      "--warehouse", "sqlite:////nonexistent/dir/warehouse.db"])
    assert result.exit_code == 2
    assert one_line_error(result.output), result.output
    assert "cannot open warehouse" in result.output


def test_a_malformed_warehouse_url_is_one_line(tmp_path: Path):
    result = CliRunner().invoke(app, ["db", "upgrade", "--warehouse", "nosuchdb://x", "--home", str(tmp_path)])
    assert result.exit_code == 2 and one_line_error(result.output), result.output


def test_a_bad_sources_file_is_one_line(tmp_path: Path):
    bad = tmp_path / "sources.yaml"
    bad.write_text("sites:\n  - name: x\n    start_urls: [ftp://nowhere]\n", "utf-8")
    result = CliRunner().invoke(app, ["run", "--sources", str(bad), "--home", str(tmp_path)])
    assert result.exit_code == 2 and one_line_error(result.output), result.output
    assert "start_urls" in result.output


def test_a_start_url_that_is_not_a_url_is_one_line(tmp_path: Path):
    result = CliRunner().invoke(app, ["run", "--start-url", "www.example.gov.cn", "--home", str(tmp_path)])
    assert result.exit_code == 2 and one_line_error(result.output), result.output


def test_bad_pages_end_in_ledger_states(tmp_path: Path, site: str, prefect_harness):
    db = tmp_path / "w.db"
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "settings: {min_delay_s: 0, max_attempts: 1, timeout_s: [2, 2]}\n"
        "sites:\n"
        f"  - name: broken things\n    start_urls: [{site}/empty.html, {site}/report.pdf, {site}/blank.html,"
        f" {site}/broken.html, {site}/missing.html, http://127.0.0.1:9/unreachable.html]\n",
        "utf-8",
    )
    result = CliRunner().invoke(app, ["run", "--sources", str(sources), "--warehouse", f"sqlite:///{db}",
                                      "--home", str(tmp_path)])
    assert "Traceback" not in result.output
    con = sqlite3.connect(db)
    states = {url.rsplit("/", 1)[-1]: (state, reason) for url, state, reason in
              con.execute("select url, state, reason from page_ledger")}
    docs = con.execute("select count(*) from documents").fetchone()[0]
    facts = con.execute("select count(*) from facts").fetchone()[0]
    con.close()
    for page in ("empty.html", "report.pdf", "blank.html", "broken.html", "missing.html", "unreachable.html"):
        assert page in states, (page, states)
        assert states[page][0] in ("skipped", "failed") and states[page][1], states[page]
    assert states["unreachable.html"][0] == "failed"
    assert states["missing.html"] == ("failed", "HTTP 404")
    assert docs == 0 and facts == 0  # nothing half-loaded


def test_help_does_not_import_prefect_or_great_expectations():
    code = ("import sys, flows.cli; heavy = [m for m in ('prefect', 'great_expectations', 'pandas', 'sqlalchemy')"
            " if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
