"""The held-out extraction set (tests/heldout): 14 invented reports, scored like the blind sets.

    python benchmarks/extract_heldout.py [--verbose]

Same as `python benchmarks/extract_blind.py --set heldout`; kept as its own entry point
because tests/test_extract_heldout.py asserts floors on it.  Its first figures (F1 0.903)
were measured before the rules it showed were added; it is a development set now.
"""

from __future__ import annotations

import sys

from extract_blind import Figures
from extract_blind import evaluate as _evaluate
from extract_blind import main as _main


def evaluate(verbose: bool = False) -> Figures:
    return _evaluate(verbose, "heldout")


if __name__ == "__main__":
    sys.argv[1:1] = ["--set", "heldout"]
    _main()
