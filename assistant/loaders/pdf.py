"""PDF documents, read with pdfplumber (pdfminer.six): text lines in reading order, tables by
pdfplumber's table finder, the furniture of printed pages dropped.

- The title is the text in the largest font at the top of the first page (else the file's
  ``/Title``); it is taken out of the body.
- Page headers and footers are dropped: lines in the top or bottom eighth of a page that
  repeat (numbers aside) on most pages, and page numbers anywhere there (``3``, ``- 3 -``,
  ``第 3 页``, ``第3页 共9页``, ``3/9``, ``Page 3``).
- A line that reaches the right edge of the text goes on in the next line (a wrapped
  paragraph); any other line ends its paragraph. Headings are lines of their own, recognised
  by the chunker from their numbering (一、 （一） 1. 第X章 第X条).
- Tables become rows that keep their header; a table at the top of a page that continues the
  one at the bottom of the page before keeps that table's header (repeated or not).
- A PDF with no text (a scan) or one that cannot be opened is a ``DocumentError`` naming it.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import DocumentError
from .tables import header_of, row_lines

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d+[-—–－\s]*|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|page\s+\d+(?:\s+of\s+\d+)?)$", re.I
)
#: how a line that closes a sentence or introduces what follows ends
_ENDED = re.compile(r"[。！？；：:!?;]\s*$")
_CLOSING = "，。、；：？！）》」』”’,.;:?!)"  # a line opening with one of these goes on the line before
_MARGIN = 1 / 8  # top and bottom share of a page where headers and footers are looked for
_REPEATED = 0.5  # a margin line on more than this share of the pages is a header or footer


def pdf_text(source: str, path: Path) -> tuple[str, str | None]:
    """The text of a PDF file and its title."""
    import pdfplumber

    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = [_read_page(page) for page in pdf.pages]
            meta_title = str((pdf.metadata or {}).get("Title") or "").strip() or None
    except DocumentError:
        raise
    except Exception as err:  # pdfminer raises many types for damaged or encrypted files
        raise DocumentError(
            source, f"无法打开这个 PDF 文件，文件可能已损坏或加了密码（cannot open the .pdf file: {type(err).__name__}）"
        ) from err
    if not any(item["text"] for page in pages for item in page["lines"]) and not any(page["tables"] for page in pages):
        raise DocumentError(
            source, "这个 PDF 里没有可提取的文字，可能是扫描件；请提供带文字的 PDF 或 Word 文件（no text layer: a scanned PDF?）"
        )
    furniture = _furniture(pages)
    title, pages = _take_title(pages)
    return "\n".join(_body_lines(pages, furniture)), title or meta_title


def _read_page(page: Any) -> dict[str, Any]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    lines = []
    for line in page.filter(outside).extract_text_lines(return_chars=True):
        sizes = [c["size"] for c in line["chars"] if c["text"].strip()]
        lines.append({
            "text": line["text"].strip(), "x0": line["x0"], "x1": line["x1"], "top": line["top"], "bottom": line["bottom"],
            "size": statistics.median(sizes) if sizes else 0.0,
        })
    return {
        "height": float(page.height),
        "lines": [line for line in lines if line["text"]],
        "tables": [{"top": t.bbox[1], "bottom": t.bbox[3], "rows": t.extract()} for t in tables],
    }


def _margin(line: dict[str, Any], height: float) -> bool:
    return line["top"] < height * _MARGIN or line["bottom"] > height * (1 - _MARGIN)


def _furniture(pages: list[dict[str, Any]]) -> set[str]:
    """Margin texts (digits as #) that repeat on most pages: running headers and footers."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({re.sub(r"\d+", "#", l["text"]) for l in page["lines"] if _margin(l, page["height"])})
    return {text for text, n in seen.items() if n / len(pages) > _REPEATED}


def _is_furniture(line: dict[str, Any], height: float, furniture: set[str]) -> bool:
    if not _margin(line, height):
        return False
    return bool(_PAGE_NUMBER.match(line["text"])) or re.sub(r"\d+", "#", line["text"]) in furniture


def _take_title(pages: list[dict[str, Any]]) -> tuple[str | None, list[dict[str, Any]]]:
    """The lines at the top of the first page in a font clearly larger than the body's."""
    sizes = [l["size"] for p in pages for l in p["lines"] for _ in l["text"]]
    if not pages or not sizes:
        return None, pages
    body = Counter(round(s, 1) for s in sizes).most_common(1)[0][0]
    first = pages[0]
    lines = [l for l in first["lines"] if not _margin(l, first["height"]) or l["size"] > body * 1.25]
    title = []
    for line in lines:
        if line["size"] < body * 1.25:
            break
        title.append(line)
    if not title:
        return None, pages
    rest = [l for l in first["lines"] if not any(l is t for t in title)]
    return "".join(l["text"] for l in title), [{**first, "lines": rest}, *pages[1:]]


def _body_lines(pages: list[dict[str, Any]], furniture: set[str]) -> list[str]:
    body = [l for p in pages for l in p["lines"] if not _is_furniture(l, p["height"], furniture)]
    right = max((l["x1"] for l in body), default=0.0)
    left = min((l["x0"] for l in body), default=0.0)
    out: list[str] = []
    wrapped = False  # the last line reached the right edge: its paragraph goes on
    header: list[str] | None = None  # the header of the table that ended the last page
    last_size = 0.0
    for page in pages:
        items = [("line", l["top"], l) for l in page["lines"] if not _is_furniture(l, page["height"], furniture)]
        items += [("table", t["top"], t) for t in page["tables"]]
        first = True
        for kind, _, item in sorted(items, key=lambda i: i[1]):
            if kind == "table":
                rows = item["rows"]
                continued = first and header is not None and len(header_of(rows)) == len(header)
                out += row_lines(rows, header if continued else None)
                header = header if continued else header_of(rows)
                wrapped = False
            else:
                size = item["size"] or 10.0
                indented = item["x0"] > left + size * 0.8
                same_font = abs(size - last_size) < 0.5
                if out and (item["text"][0] in _CLOSING or (wrapped and not indented and same_font)):
                    out[-1] += item["text"]
                else:
                    out.append(item["text"])
                # a line that reaches the right edge goes on in the next one; so does one that
                # stops up to three characters short of it without closing a sentence: line
                # breaking keeps 、，。 off the start of a line and moves the character before them down
                wrapped = item["x1"] >= right - size * 1.5 or (item["x1"] >= right - size * 3 and not _ENDED.search(item["text"]))
                last_size = size
                header = None
            first = False
    return out
