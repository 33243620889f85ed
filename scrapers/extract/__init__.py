"""Extract indicator facts from a clean report text.

    extract_facts(doc, region, catalog=None) -> Extraction

The region is resolved by the caller and passed through.  Every fact carries
its evidence (raw text, offsets into doc.text, sentence), its period, its
qualifier and whether it is a plan/target.  Odd text never raises: at worst it
yields no facts.
"""

from __future__ import annotations

from scrapers.extract.facts import ExtractionError, extract_facts

__all__ = ["ExtractionError", "extract_facts"]
