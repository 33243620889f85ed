"""The one error type the stripper lets out."""

from __future__ import annotations


class StripError(ValueError):
    """A page that has no report body; `reason` is one line, e.g. "frameset page"."""

    def __init__(self, reason: str) -> None:
        self.reason = " ".join(str(reason).split())[:300] or "strip failed"
        super().__init__(self.reason)
