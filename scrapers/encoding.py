"""Decode fetched bytes to text without turning Chinese into mojibake.

Order of evidence: the HTTP Content-Type charset, then a BOM, then <meta charset> /
<meta http-equiv>, then detection (charset-normalizer).  GB2312 and GBK are
read as GB18030, their superset: real pages labelled gb2312 routinely contain
characters outside it (e.g. 镕, 堃), which a strict gb2312 codec drops.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
              "big5": "big5hkscs", "iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "utf-8",
              "us-ascii": "utf-8"}


def _normalise(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(label, _SUPERSETS.get(name, name))


def _header_charset(headers: Mapping[str, str]) -> str | None:
    for k, v in headers.items():
        if k.lower() == "content-type":
            m = _HEADER_CHARSET.search(v)
            return _normalise(m.group(1)) if m else None
    return None


def _strictly(body: bytes, enc: str) -> str | None:
    try:
        return body.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def detect_encoding(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """The encoding to read `body` with; always a codec Python knows."""
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    candidates = [_header_charset(headers or {})]
    m = _META_CHARSET.search(body[:4096])
    candidates.append(_normalise(m.group(1).decode("ascii", "ignore")) if m else None)
    for enc in candidates:
        # A declared charset is believed only if the bytes decode under it: servers
        # often send a default "charset=utf-8" header for GBK files.
        if enc and _strictly(body, enc) is not None:
            return enc
    if _strictly(body, "utf-8") is not None:
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    guess = _normalise(best.encoding) if best else None
    # Chinese pages that are not UTF-8 are overwhelmingly GB-family; prefer
    # gb18030 over a single-byte guess that would "succeed" as mojibake.
    if guess is None or guess.startswith(("cp125", "iso8859", "latin", "mac", "koi8")):
        return "gb18030"
    return guess


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """The page as text.  Undecodable bytes become U+FFFD rather than raising."""
    enc = detect_encoding(body, headers)
    return body.decode(enc, errors="replace")
