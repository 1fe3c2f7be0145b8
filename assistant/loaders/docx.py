"""Word (.docx) documents, read with python-docx in document order (paragraphs and tables).

Headings come from Word's styles: ``Title`` is the document title (level 1) and ``Heading N``
(``标题 N``) a heading one level below it, written as Markdown headings for the chunker. A
document without heading styles is returned as plain lines, whose numbering (一、 （一） 1.
第X章 第X条) marks the headings. Tables become rows that keep their header
(:func:`~assistant.loaders.tables.row_lines`). Page headers and footers are not part of the
body and are not read."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import DocumentError
from .tables import row_lines

_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_TITLE = re.compile(r"^(?:title|标题)$", re.I)


def _style(paragraph) -> str:  # type: ignore[no-untyped-def]
    style = paragraph.style
    return (style.name or "").strip() if style is not None else ""


def docx_text(source: str, path: Path) -> tuple[str, str | None]:
    """The text of a .docx file and its title (the core property, else the Title paragraph)."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
        blocks = list(document.iter_inner_content())
    except Exception as err:  # python-docx raises several unrelated types for broken files
        raise DocumentError(
            source, f"无法打开这个 Word 文件，文件可能已损坏或不是 .docx（cannot open the .docx file: {type(err).__name__}）"
        ) from err
    paragraphs = [b for b in blocks if not isinstance(b, Table)]
    has_title = any(_TITLE.match(_style(p)) and p.text.strip() for p in paragraphs)
    styled = has_title or any(_HEADING.match(_style(p)) and p.text.strip() for p in paragraphs)
    title = (document.core_properties.title or "").strip() or None
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Table):
            rows = [[cell.text for cell in _unmerged(row)] for row in block.rows]
            lines += row_lines(rows)
            continue
        text = block.text.strip()
        if not text:
            continue
        style = _style(block)
        level = 1 if _TITLE.match(style) else None
        m = _HEADING.match(style)
        if m:
            level = min(int(m.group(1)) + (1 if has_title else 0), 6)
        if level == 1 and title is None:
            title = text
        lines.append(("#" * level + " " if styled and level else "") + text)
    return "\n\n".join(lines), title


def _unmerged(row):  # type: ignore[no-untyped-def]
    """The cells of a row, a merged cell once (python-docx repeats it for every grid column)."""
    seen: list[object] = []
    cells = []
    for cell in row.cells:
        if any(cell._tc is s for s in seen):
            continue
        seen.append(cell._tc)
        cells.append(cell)
    return cells
