"""The raw archive: every fetched body, gzip-compressed, stored by content hash.

Layout: root/ab/cd/<sha256>.gz (the body) and root/ab/cd/<sha256>.json (url,
requested_url, status, headers, fetched_at).  Writes go to a temporary file in
the same folder and are moved into place with os.replace, so a crash never
leaves a half-written entry, and putting the same bytes twice is a no-op.
Re-processing reads from here; it never needs the network.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

from schemas.records import FetchedPage, content_hash

_HASH = re.compile(r"^[0-9a-f]{64}$")


class ArchiveError(Exception):
    """A hash that is not in the archive, or an entry that cannot be read."""


class RawArchive:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _paths(self, digest: str) -> tuple[Path, Path]:
        if not _HASH.match(digest or ""):
            raise ArchiveError(f"not a sha256 content hash: {digest!r}")
        folder = self.root / digest[:2] / digest[2:4]
        return folder / f"{digest}.gz", folder / f"{digest}.json"

    def has(self, digest: str) -> bool:
        try:
            body, sidecar = self._paths(digest)
        except ArchiveError:
            return False
        return body.exists() and sidecar.exists()

    def put(self, page: FetchedPage) -> str:
        """Store the page's body and metadata; returns its content hash."""
        digest = page.content_hash or content_hash(page.body)
        body_path, sidecar_path = self._paths(digest)
        if body_path.exists() and sidecar_path.exists():
            return digest
        body_path.parent.mkdir(parents=True, exist_ok=True)
        # mtime=0 keeps the .gz bytes a function of the body alone.
        _write_atomically(body_path, gzip.compress(page.body, compresslevel=6, mtime=0))
        meta = {"url": page.url, "requested_url": page.requested_url, "status": page.status,
                "headers": dict(page.headers), "fetched_at": page.fetched_at.isoformat(),
                "content_hash": digest, "size": len(page.body)}
        # The sidecar is written last: `has` is true only once both files exist.
        _write_atomically(sidecar_path, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
        return digest

    def get(self, digest: str) -> FetchedPage:
        """The page as it was fetched, re-hydrated from disk."""
        body_path, sidecar_path = self._paths(digest)
        if not (body_path.exists() and sidecar_path.exists()):
            raise ArchiveError(f"not in the raw archive: {digest}")
        try:
            meta = json.loads(sidecar_path.read_text("utf-8"))
            body = gzip.decompress(body_path.read_bytes())
        except (OSError, ValueError, EOFError) as exc:
            raise ArchiveError(f"unreadable archive entry {digest}: {exc}") from None
        if content_hash(body) != digest:
            raise ArchiveError(f"archive entry {digest} is corrupt: its body hashes differently")
        return FetchedPage(url=meta["url"], requested_url=meta["requested_url"], status=int(meta["status"]),
                           headers=dict(meta["headers"]), body=body,
                           fetched_at=datetime.fromisoformat(meta["fetched_at"]), content_hash=digest)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
