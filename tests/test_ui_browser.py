"""The analysts' browser UI: Datasette serving a warehouse, rendered by headless Chromium.

Datasette is started exactly as `township ui` starts it (flows.ui.datasette_command:
immutable, with the canned queries' metadata); Chromium renders the pages
(JavaScript included) and dumps the DOM.  Without Chromium the test SKIPS with
the reason (tests/run.sh installs it in CI).
"""

from __future__ import annotations

import html
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from test_analyst_queries import build_ganzhou_warehouse

from flows.ui import datasette_command

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
KNOWN_FACT_SQL = (
    "select sentence from v_facts where township = '沙石镇' and indicator_code = 'public_welfare_jobs'"
    " and period_label = '2023' and not is_target"
)


def chromium() -> str:
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    reason = "SKIPPED LOUDLY: no Chromium (looked for /usr/bin/chromium, chromium, chromium-browser, google-chrome)"
    print(reason, file=sys.stderr)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"datasette exited with {process.returncode}: {process.stderr.read()[-500:]}")
        try:
            with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"datasette did not answer on {base} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    browser = chromium()
    home = tmp_path_factory.mktemp("ui")
    db = home / "warehouse.db"
    build_ganzhou_warehouse(f"sqlite:///{db}")
    with sqlite3.connect(db) as con:  # the known fact: 沙石镇's 75 公益性岗位 of 2023, and its sentence
        (sentence,) = con.execute(KNOWN_FACT_SQL).fetchone()
    assert "75个" in sentence
    port = free_port()
    cmd = datasette_command(db, home / "datasette-metadata.json", port)
    exe = Path(sys.executable).with_name("datasette")
    process = subprocess.Popen([str(exe), *cmd[1:]], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base, process)
        yield base, browser, home, sentence
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def rendered_dom(browser: str, url: str, profile: Path) -> str:
    argv = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--dump-dom",
        url,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-500:]
    return html.unescape(done.stdout)


def test_canned_provenance_query_renders_the_known_fact(ui):
    base, browser, home, sentence = ui
    dom = rendered_dom(browser, f"{base}/warehouse/fact_provenance?township={quote('沙石镇')}", home / "p1")
    assert "Where a township" in dom  # the canned query's title from the metadata
    assert sentence in dom
    assert "75.0" in dom and "http://127.0.0.1/gz/ss/2023.html" in dom


def test_v_facts_view_renders_the_known_fact(ui):
    base, browser, home, sentence = ui
    dom = rendered_dom(browser, f"{base}/warehouse/v_facts", home / "p2")
    assert sentence in dom and "75.0" in dom and "沙石镇" in dom


def test_canned_query_form_for_a_city(ui):
    base, browser, home, _ = ui
    query = urlencode({"city": "赣州市", "period": "2023H1"})
    dom = rendered_dom(browser, f"{base}/warehouse/monitored_by_township?{query}", home / "p3")
    for township in ("沙石镇", "水东镇", "湖边镇", "梅林镇"):
        assert township in dom
    assert "藤田镇" not in dom  # another city


def test_the_ui_refuses_writes(ui):
    base, browser, home, _ = ui
    insert = "insert into warehouse_meta (key, value) values ('ui', 'wrote')"
    url = f"{base}/warehouse?{urlencode({'sql': insert})}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code in (400, 403)
    dom = rendered_dom(browser, url, home / "p4")
    assert "Statement must be a SELECT" in dom
    count = "select count(*) as n from warehouse_meta where key = 'ui'"
    with urllib.request.urlopen(f"{base}/warehouse.json?{urlencode({'sql': count, '_shape': 'array'})}") as answer:
        assert json.loads(answer.read()) == [{"n": 0}]
