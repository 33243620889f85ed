"""Tables flattened to text: a header row naming its columns, then rows of figures.

Reports paste statistics tables whose rows survive as lines with the cells apart
by tabs or runs of spaces:

    类别	户数	人数                      指标  2023年  2024年  增减
    脱贫不稳定户	38	142                 乡村公益性岗位(个)  121  128  +7
    合计	76	273

Each cell is read as one figure of the indicator its row label names (or, for a
合计 row, the one the table's caption names; or the one its column names), in
the count word its column header or its row label's bracketed unit gives.  A
column headed by a year gives its figures that year; a column of changes (增减)
or per-unit figures (人均, 月保障金额) is not read.  Which period and plan a cell
falls in is left to the caller, who reads the cell's context words (caption and
headers) the way it reads a sentence's prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from schemas.catalog import Catalog
from scrapers.extract.aliases import AliasHit
from scrapers.extract.readings import fits
from scrapers.extract.vocabulary import patterns, unit_family

_SEPARATOR = re.compile(r"\t+|[ \u3000]{2,}|\u3000")
_NUMBER = re.compile(r"^(?P<sign>[+\-－＋])?(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<pct>%)?$")
_EMPTY = {"", "-", "—", "——", "/", "\\", "无"}
_YEAR_CELL = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*(?:年度|年)?(?P<rest>.{0,8})$")


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Column:
    count_word: str | None
    scale: Decimal
    code: str | None  # an indicator the header names (脱贫户数)
    context: str  # words that give the column's figures a period or make them goals (2023年, 2025年目标)
    skip: bool
    target: bool


@dataclass(frozen=True)
class TableCell:
    """One figure of a table, read as one indicator value."""

    code: str
    value: float
    count_word: str
    start: int
    end: int
    raw: str
    row_start: int  # the row line: the caller emits the cell where it reads that line
    row_text: str
    context: str  # caption and header words, read for the period like a sentence prefix
    qualifier: str | None
    is_target: bool
    group: str | None
    is_total: bool = False  # a 合计 row's figure: a sum over the rows, which may list only some villages


@dataclass(frozen=True)
class Table:
    start: int  # the header line
    end: int  # the end of the last row
    cells: tuple[TableCell, ...]


@cache
def _unit_regex() -> re.Pattern[str]:
    numbers = patterns()["numbers"]
    counts = "|".join(re.escape(c) for c in sorted(numbers["count_words"], key=len, reverse=True))
    scales = "|".join(re.escape(s) for s in numbers["scales"])
    return re.compile(rf"[(（](?P<scale>{scales})?(?P<count>{counts})[)）]")


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _cells(text: str, start: int, end: int) -> list[Cell]:
    cells, at = [], start
    line = text[start:end]
    for m in _SEPARATOR.finditer(line):
        if m.start() > at - start:
            cells.append(Cell(at, start + m.start(), line[at - start : m.start()]))
        at = start + m.end()
    if at < end:
        cells.append(Cell(at, end, line[at - start :]))
    return [c for c in (_trimmed(c) for c in cells) if c.text]


def _trimmed(c: Cell) -> Cell:
    left = len(c.text) - len(c.text.lstrip())
    text = c.text.strip()
    return Cell(c.start + left, c.start + left + len(text), text)


def _number(text: str) -> tuple[Decimal, bool, bool] | None:
    """(value, signed, percent) of a figure cell; None when the cell is no figure."""
    m = _NUMBER.match(text.replace(" ", ""))
    if m is None:
        return None
    try:
        return Decimal(m.group("n").replace(",", "")), bool(m.group("sign")), bool(m.group("pct"))
    except InvalidOperation:
        return None


def _without_index(cells: list[Cell], index_headers: tuple[str, ...]) -> list[Cell]:
    """序号 / 1、2、3: a running number before the label is no column of figures."""
    if len(cells) >= 3 and (cells[0].text in index_headers or re.fullmatch(r"\d{1,2}[.、]?", cells[0].text)):
        return cells[1:]
    return cells


def _is_header(cells: list[Cell]) -> bool:
    """Column names: words, or years written bare (指标  2023  2024)."""
    return len(cells) >= 2 and (
        not _is_figure_row(cells) or all(_YEAR_CELL.fullmatch(c.text) for c in cells[1:])
    )


def _is_figure_row(cells: list[Cell]) -> bool:
    """A row: a label that is no figure, then cells that are figures or blank marks, at least one a figure."""
    if len(cells) < 2 or _number(cells[0].text) is not None:
        return False
    values = [c.text for c in cells[1:]]
    return all(v in _EMPTY or _number(v) is not None for v in values) and any(_number(v) for v in values)


class TableReader:
    """Finds the tables of one document text and reads their cells as indicator values."""

    def __init__(self, text: str, catalog: Catalog, hits: list[AliasHit]) -> None:
        self.text = text
        self.catalog = catalog
        self.hits = [h for h in hits if h.code is not None]
        self.vocab = patterns()["tables"]
        # longest header word first: 人口数 before 人
        self.counts = sorted(self.vocab["column_counts"].items(), key=lambda kv: -len(kv[0]))
        self.scales: dict[str, int] = patterns()["numbers"]["scales"]

    def tables(self) -> list[Table]:
        if "\t" not in self.text and "  " not in self.text and "\u3000" not in self.text:
            return []  # no line has cells: the common case costs one scan
        lines = _lines(self.text)
        index = tuple(self.vocab["index_headers"])
        cells = [_without_index(_cells(self.text, *span), index) for span in lines]
        found: list[Table] = []
        i = 0
        while i < len(lines) - 1:
            header = cells[i]
            # a row of bare years (指标  2023  2024) is a header only when its first cell names no indicator
            bare_years = _is_figure_row(header) and bool(self._last_code(header[0].start, header[0].end))
            if not _is_header(header) or bare_years or not _is_figure_row(cells[i + 1]):
                i += 1
                continue
            j = i + 1
            while j < len(lines) and _is_figure_row(cells[j]):
                j += 1
            rows = [(lines[k][0], cells[k]) for k in range(i + 1, j)]
            table = self._read(i, lines, header, rows)
            if table is not None:
                found.append(table)
            i = j
        return found

    def _read(
        self, at: int, lines: list[tuple[int, int]], header: list[Cell], rows: list[tuple[int, list[Cell]]]
    ) -> Table | None:
        columns = [self._column(c) for c in header[1:]]
        if not any(c.count_word or c.code or c.context or c.target for c in columns if not c.skip):
            return None  # no header names what its columns count: not a table we can read
        caption = self._caption(at, lines)
        subject = self._last_code(caption[0], caption[1])
        caption_text = self.text[caption[0] : caption[1]]
        cells: list[TableCell] = []
        for line_start, row in rows:
            cells.extend(self._row(line_start, row, columns, subject, caption_text))
        return Table(lines[at][0], rows[-1][1][-1].end, tuple(cells))

    def _caption(self, at: int, lines: list[tuple[int, int]]) -> tuple[int, int]:
        """The table's title: the last sentence of the line above it (表1 …统计表, …情况如下：); the
        line above that when the nearer one names nothing and does not introduce the table."""
        spans = []
        for k in range(at - 1, max(-1, at - 3), -1):
            start, end = lines[k]
            line = self.text[start:end]
            cut = max(line.rstrip("：: ").rstrip("。").rfind(p) for p in "。；;!！?？") + 1
            spans.append((start + cut, end))
        if not spans:
            return (lines[at][0], lines[at][0])
        nearest = spans[0]
        if self._last_code(*nearest) or self.text[nearest[0] : nearest[1]].rstrip().endswith(("：", ":")):
            return nearest
        return next((s for s in spans[1:] if self._last_code(*s)), nearest)

    def _last_code(self, start: int, end: int) -> str | None:
        inside = [h for h in self.hits if start <= h.start and h.end <= end and not h.is_verb]
        return inside[-1].code if inside else None

    def _column(self, cell: Cell) -> Column:
        text = cell.text
        skip = any(w in text for w in self.vocab["skip_columns"]) or text.startswith(
            tuple(self.vocab["per_unit_columns"])
        )
        target = any(w in text for w in self.vocab["target_columns"])
        count, scale = self._unit(text)
        bare = _unit_regex().sub("", text)
        context = ""
        year = _YEAR_CELL.fullmatch(bare.strip())
        if year is not None:
            context = f"{year.group('year')}年{year.group('rest')}"  # 2023 / 2023年 / 2025年目标
        elif count is None:
            count = next((c for w, c in self.counts if bare.endswith(w)), None)
        code = self._last_code(cell.start, cell.end)
        return Column(count, scale, code, context, skip, target)

    def _unit(self, text: str) -> tuple[str | None, Decimal]:
        m = _unit_regex().search(text)
        if m is None:
            return None, Decimal(1)
        return m.group("count"), Decimal(self.scales[m.group("scale")]) if m.group("scale") else Decimal(1)

    def _row(
        self, line_start: int, row: list[Cell], columns: list[Column], subject: str | None, caption: str
    ) -> list[TableCell]:
        label = row[0]
        plain = re.sub(r"\s", "", _unit_regex().sub("", label.text))
        row_code = self._last_code(label.start, label.end)
        is_total = plain in self.vocab["total_labels"] or plain in self.vocab["value_rows"]
        row_year = _YEAR_CELL.fullmatch(plain)
        row_target = any(w in plain for w in self.vocab["target_columns"])
        row_count, row_scale = self._unit(label.text)
        out: list[TableCell] = []
        group = f"g{row[1].start}"
        for cell, column in zip(row[1:], columns, strict=False):
            parsed = _number(cell.text)
            if parsed is None or column.skip or parsed[1]:
                continue  # blank, a change (+106) or a column of no stock
            # a village's row names no indicator: its figures are the village's, not the township's
            base = row_code or (column.code or subject if is_total or row_year else None)
            count = column.count_word or row_count
            if base is None or count is None:
                continue  # a village's row, or a figure in no known unit
            if parsed[2] and count != "%":
                continue
            code = fits(self.catalog, base, count, paired=True)
            if code is None:
                continue
            scale = column.scale if column.count_word else row_scale
            value = float(parsed[0] * scale)
            words = patterns()["qualifiers"]["by_code"].get(code, [])
            qualifier = "".join(w for w in words if w in plain) or None
            family = unit_family(count)
            context = caption + (f"{row_year.group('year')}年" if row_year else "") + column.context
            out.append(
                TableCell(
                    code=code,
                    value=value,
                    count_word=count,
                    start=cell.start,
                    end=cell.end,
                    raw=cell.text,
                    row_start=line_start,
                    row_text=self.text[label.start : row[-1].end],
                    context=context,
                    qualifier=qualifier,
                    is_target=column.target or row_target,
                    is_total=is_total and row_code is None,
                    # 38户142人 in one row's 户数/人数 columns is one structure; a year column's is not
                    group=group if family in ("households", "persons") and not column.context else None,
                )
            )
        return out
