"""The typed records that travel along the data path, declared once.

discover -> fetch -> strip -> extract -> validate -> load: each stage is a pure
function from one of these records to the next.  Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class PageState(StrEnum):
    """Where a page ended in one run: every page gets exactly one."""

    LOADED = "loaded"  # facts (possibly none) loaded into the warehouse
    QUARANTINED = "quarantined"  # document stored, every fact held back (e.g. unplaceable)
    UNCHANGED = "unchanged"  # 304 / same content hash as last time: nothing re-done
    SKIPPED = "skipped"  # deliberately not processed (robots, out of scope, attachment, no body)
    FAILED = "failed"  # an error: fetch failure, parse failure, load failure


class Stage(StrEnum):
    DISCOVER = "discover"
    FETCH = "fetch"
    STRIP = "strip"
    EXTRACT = "extract"
    VALIDATE = "validate"
    LOAD = "load"


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class FetchedPage:
    """Raw bytes of one HTTP response, exactly as received (after redirects)."""

    url: str  # final URL after redirects
    requested_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime
    content_hash: str = ""

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.body))

    @property
    def content_type(self) -> str:
        for k, v in self.headers.items():
            if k.lower() == "content-type":
                return v
        return ""


@dataclass(frozen=True)
class FetchOutcome:
    """The result of asking for one URL: a page, or a ledger state with a reason."""

    url: str
    state: PageState  # LOADED is never used here; FETCH success is `page is not None`
    page: FetchedPage | None = None
    reason: str | None = None
    not_modified: bool = False  # the server answered 304 to a conditional GET

    @property
    def ok(self) -> bool:
        return self.page is not None


@dataclass(frozen=True)
class CleanDocument:
    """A report page with its chrome stripped: metadata plus body paragraphs."""

    url: str
    site: str  # host[:port] that published it
    title: str
    published_date: date | None
    publisher: str | None
    paragraphs: tuple[str, ...]  # normalised text (simplified, half-width) used for extraction
    original_paragraphs: tuple[str, ...] = ()  # the text as published (e.g. traditional)
    content_hash: str = ""
    site_name: str | None = None  # e.g. 龙南市人民政府, from meta SiteName or <title> suffix
    column_name: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The body as one string; fact offsets index into this."""
        return "\n".join(self.paragraphs)

    @property
    def original_text(self) -> str:
        return "\n".join(self.original_paragraphs or self.paragraphs)


class RegionStatus(StrEnum):
    RESOLVED = "resolved"
    AMBIGUOUS = "ambiguous"  # several gazetteer units fit and the context cannot settle it
    UNRESOLVED = "unresolved"  # no township named (anonymised, or not in the gazetteer)


@dataclass(frozen=True)
class Region:
    """The township a document reports on, resolved against the gazetteer."""

    status: RegionStatus
    township: str | None = None  # as the report names it (e.g. 水市乡)
    township_official: str | None = None  # today's gazetteer name (e.g. 水市镇)
    township_code: str | None = None  # 9-digit NBS code
    county: str | None = None
    county_code: str | None = None
    city: str | None = None
    city_code: str | None = None
    province: str | None = None
    province_code: str | None = None
    candidates: tuple[str, ...] = ()  # "province/city/county/township" of each candidate
    evidence: str | None = None  # why: which names in the text/site settled it

    @property
    def placeable(self) -> bool:
        """A fact needs at least a named township and a province to be placed."""
        return self.status != RegionStatus.UNRESOLVED and bool(self.township and self.province)


@dataclass(frozen=True)
class CandidateFact:
    """One number the extractor read, in the catalog's base unit, with its evidence."""

    indicator_code: str
    value: float
    unit: str  # the catalog's base unit
    raw_text: str  # the words as written, e.g. "1322.63万元"
    count_word: str  # the measure word the text used: 户, 人, 人次, 个, 元, 亩, %
    start: int  # character offsets of raw_text in CleanDocument.text
    end: int
    sentence: str
    period_start: date | None = None
    period_end: date | None = None
    qualifier: str | None = None
    is_target: bool = False
    is_approximate: bool = False
    flags: tuple[str, ...] = ()  # e.g. "glued_repaired", "ocr_digits", "fullwidth_decimal"
    group: str | None = None  # facts of one structure (X户Y人 pair) share a group id
    part_of: str | None = None  # for 其中 breakdowns: the fact_key of the whole

    def fact_key(self, url: str, content_hash: str) -> str:
        """Stable identity: the same mention of the same page version is the same fact."""
        raw = f"{url}|{content_hash}|{self.start}|{self.end}|{self.indicator_code}"
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Extraction:
    """What the extract stage read from one document."""

    region: Region
    period_start: date | None  # the document's own period (from title / publication date)
    period_end: date | None
    facts: tuple[CandidateFact, ...]


@dataclass(frozen=True)
class CheckedFact:
    """A candidate fact after validation: passed, or held with the expectations it failed."""

    fact: CandidateFact
    fact_key: str
    failed: tuple[str, ...] = ()  # names of the failed expectations; empty means it passed

    @property
    def passed(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class ProcessedDocument:
    """Everything the load stage writes for one page version, in one transaction."""

    document: CleanDocument
    extraction: Extraction
    checked: tuple[CheckedFact, ...]
    state: PageState  # LOADED or QUARANTINED
    reason: str | None = None
