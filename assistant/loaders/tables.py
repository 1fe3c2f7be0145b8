"""Tables as text: each row becomes one line that keeps its header,
``领域：生态安全领域；项目数：14个；投资：12.74亿元。``

A unit in a header's brackets (投资（万元）, 项目数（个）) goes after a bare number of its column, so
the figure reads as the document means it; a column that only numbers the rows (序号) and empty
cells (—, /) are left out. A header of two rows (存量 over 床位数, 其中普惠床位数) names each
column by both; a row with one cell (养老方面, 一、养老项目) names the group of the rows under it,
which carry it as their :data:`GROUP`. The chunker and the answerer keep such a line whole (see
:func:`assistant.text.is_row`). Markdown pipe tables (:func:`markdown_tables`) and HTML tables
become the same lines as the tables of Word and PDF files."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lexicon import words
from ..text import GROUP

_HEADER_UNIT = re.compile(r"^(.*?)\s*[（(]\s*([^（）()]{1,6})\s*[）)]\s*$")
_BARE_NUMBER = re.compile(r"^[+-]?\d[\d,，]*(?:\.\d+)?$")
_EMPTY = {"", "-", "—", "——", "/", "／", "无", "－"}
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_MD_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_BAR = re.compile(r"(?<!\\)\|")


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
    page; otherwise the first row is the header (with the second, when the first leaves cells
    empty that the second fills). A table of one row or one column is not a table of records:
    its cells become lines of their own."""
    cleaned = [[clean_cell(c) for c in row] for row in rows if any(clean_cell(c) for c in row)]
    if not cleaned:
        return []
    if header is None:
        if len(cleaned) < 2 or max(len(r) for r in cleaned) < 2:
            return [c for row in cleaned for c in row if c]
        header, cleaned = cleaned[0], cleaned[1:]
        if cleaned and _second_header(header, cleaned[0]):
            header, cleaned = _joined_header(header, cleaned[0]), cleaned[1:]
    numbering = words("row_number_headers")
    columns = [_header(h) for h in header]
    lines, group = [], ""
    for row in cleaned:
        if [c for c in row] == list(header):
            continue  # the header repeated on a new page
        filled = {c for c in row if c not in _EMPTY}
        if len(filled) == 1 and len(columns) >= 3 and row[0] in filled:
            group = row[0]  # 养老方面 (a cell merged across the row repeats in a Word table): the rows below belong to it
            continue
        pairs = [f"{GROUP}：{group}"] if group else []
        for (name, unit), value in zip(columns, row):
            if value in _EMPTY or name in numbering:
                continue
            if unit and _BARE_NUMBER.match(value):
                value += unit
            pairs.append(f"{name}：{value}" if name else value)
        if len(pairs) > bool(group):
            lines.append("；".join(pairs) + "。")
    return lines


def _second_header(first: Sequence[str], second: Sequence[str]) -> bool:
    """Is ``second`` the lower row of a two-row header: the first row leaves cells empty
    (a name spans several columns) and the second names every column without a figure?"""
    return (
        len(second) == len(first) and any(not c for c in first[1:]) and all(second)
        and not any(_BARE_NUMBER.match(c) for c in second)
    )


def _joined_header(first: Sequence[str], second: Sequence[str]) -> list[str]:
    """Each column named by the upper name over it (spanning to the right) and its own."""
    out, upper = [], ""
    for top, low in zip(first, second):
        upper = top or upper
        out.append(low if not upper or upper == low else f"{upper}{low}")
    return out


def markdown_tables(text: str) -> str:
    """Text with each Markdown pipe table (a header row, a rule ``|---|``, rows) as row lines."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if _MD_ROW.match(lines[i]) and i + 1 < len(lines) and _MD_RULE.match(lines[i + 1]):
            j = i + 2
            while j < len(lines) and _MD_ROW.match(lines[j]):
                j += 1
            rows = [_md_cells(lines[k]) for k in (i, *range(i + 2, j))]
            out.extend(row_lines(rows))
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def _md_cells(line: str) -> list[str]:
    inner = _MD_ROW.match(line).group(1)  # type: ignore[union-attr]
    return [c.strip().replace("\\|", "|") for c in _MD_BAR.split(inner)]


def header_of(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """The header row of a table (its first row with text)."""
    for row in rows:
        cells = [clean_cell(c) for c in row]
        if any(cells):
            return cells
    return []
