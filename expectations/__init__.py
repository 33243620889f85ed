"""Data-quality expectations: versioned GX suites (suites/*.json) and the validate stage.

Import-light on purpose: Great Expectations is imported only inside
`validate_documents`, so importing this package (and `township --help`) stays fast.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ValidationError", "ValidationReport", "validate_documents"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from expectations import validate

        return getattr(validate, name)
    raise AttributeError(f"module 'expectations' has no attribute {name!r}")
