"""The bundled demo sites: a copy of the shared mirror, served on 127.0.0.1.

`township run` with no start URLs serves each site of `demo_sites/` on its own
port (each its own origin, as real portals are) and crawls them.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DEMO_ROOT = Path(__file__).with_name("demo_sites")
# Stable ports, so a second `township run` sees the same URLs and crawls incrementally;
# a port already taken falls back to one the system picks.
DEMO_BASE_PORT = 18701


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # the CLI owns the terminal
        pass


def _bind(port: int, handler) -> ThreadingHTTPServer:
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        return ThreadingHTTPServer(("127.0.0.1", 0), handler)


@contextmanager
def serve_sites(root: Path = DEMO_ROOT, base_port: int = 0) -> Iterator[dict[str, str]]:
    """Serve every sub-folder of `root` on its own loopback port; yields {site: origin}.

    base_port 0 lets the system pick every port (tests); otherwise site i asks for base_port + i."""
    servers = []
    origins: dict[str, str] = {}
    try:
        for i, site in enumerate(sorted(p for p in root.iterdir() if p.is_dir())):
            handler = functools.partial(_QuietHandler, directory=str(site))
            server = _bind(base_port + i if base_port else 0, handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            origins[site.name] = f"http://127.0.0.1:{server.server_address[1]}"
        yield origins
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def demo_start_urls(origins: dict[str, str], root: Path = DEMO_ROOT) -> list[str]:
    """Listing pages of the demo sites, and the report pages of sites that have none."""
    manifest = json.loads((root / "MANIFEST.json").read_text("utf-8"))
    urls = []
    for site in manifest["sites"]:
        paths = site["start_urls"] or [r["url"] for r in site["reports"]]
        urls += [origins[site["site"]] + p for p in paths]
    return urls
