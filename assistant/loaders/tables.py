"""Tables as text: each row becomes one line that keeps its header,
``领域：生态安全领域；项目数：14个；投资：12.74亿元。``

A unit in a header's brackets (投资（万元）, 项目数（个）) goes after a bare number of its column, so
the figure reads as the document means it; a column that only numbers the rows (序号) and empty
cells (—, /) are left out. The chunker keeps such a line whole (see
``assistant.chunking.is_row``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lexicon import words

_HEADER_UNIT = re.compile(r"^(.*?)\s*[（(]\s*([^（）()]{1,6})\s*[）)]\s*$")
_BARE_NUMBER = re.compile(r"^[+-]?\d[\d,，]*(?:\.\d+)?$")
_EMPTY = {"", "-", "—", "——", "/", "／", "无", "－"}
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def clean_cell(value: str | None) -> str:
    """A cell's text on one line: wrapped Chinese joined without a space, Latin with one."""
    parts = [p.strip() for p in (value or "").splitlines() if p.strip()]
    out = ""
    for part in parts:
        glue = "" if not out or _CJK.match(out[-1]) or _CJK.match(part[0]) else " "
        out += glue + part
    return out


def _header(name: str) -> tuple[str, str]:
    m = _HEADER_UNIT.match(name)
    return (m.group(1).strip(), m.group(2).strip()) if m and m.group(1).strip() else (name, "")


def row_lines(rows: Sequence[Sequence[str | None]], header: Sequence[str] | None = None) -> list[str]:
    """Lines for the rows of a table. ``header`` is given for a table continued from an earlier
    page; otherwise the first row is the header. A table of one row or one column is not a
    table of records: its cells become lines of their own."""
    cleaned = [[clean_cell(c) for c in row] for row in rows if any(clean_cell(c) for c in row)]
    if not cleaned:
        return []
    if header is None:
        if len(cleaned) < 2 or max(len(r) for r in cleaned) < 2:
            return [c for row in cleaned for c in row if c]
        header, cleaned = cleaned[0], cleaned[1:]
    numbering = words("row_number_headers")
    columns = [_header(h) for h in header]
    lines = []
    for row in cleaned:
        if [c for c in row] == list(header):
            continue  # the header repeated on a new page
        pairs = []
        for (name, unit), value in zip(columns, row):
            if value in _EMPTY or name in numbering:
                continue
            if unit and _BARE_NUMBER.match(value):
                value += unit
            pairs.append(f"{name}：{value}" if name else value)
        if pairs:
            lines.append("；".join(pairs) + "。")
    return lines


def header_of(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """The header row of a table (its first row with text)."""
    for row in rows:
        cells = [clean_cell(c) for c in row]
        if any(cells):
            return cells
    return []
