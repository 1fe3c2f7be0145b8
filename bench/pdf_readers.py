"""Which PDF library reads the plan's PDF best: pypdf, pdfplumber (pdfminer.six) and PyMuPDF
on the same generated PDFs (the corpus's plan with its project table, ``tests/plan_files.py``),
once with an embedded Chinese TrueType font and once with reportlab's non-embedded CID font
STSong-Light.

Run in an environment that has the three libraries (only the chosen one is a dependency of
the project)::

    python -m bench.pdf_readers [--out bench/RESULTS-pdf.md]

Measured: the share of the document's Chinese text recovered in order (difflib ratio over the
text without whitespace, header and footer included as printed), the table rows recovered
with every cell right (by the library's own table finder; pypdf has none), and the time to
read the file (median of 5).
"""

from __future__ import annotations

import argparse
import difflib
import re
import statistics
import tempfile
import time
from pathlib import Path

from tests.plan_files import numbered_subsections, project_table, read_markdown, with_table, write_pdf

ROOT = Path(__file__).resolve().parents[1]


def _expected(plan) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for block in numbered_subsections(with_table(plan)):
        parts += [" ".join(" ".join(r) for r in block.rows)] if block.kind == "table" else [block.text]
    return re.sub(r"\s+", "", "".join(parts))


def _pypdf(path: Path) -> tuple[str, list[list[list[str]]]]:
    import pypdf

    reader = pypdf.PdfReader(str(path))
    return "\n".join(p.extract_text() or "" for p in reader.pages), []


def _pdfplumber(path: Path) -> tuple[str, list[list[list[str]]]]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        tables = [t for p in pdf.pages for t in p.extract_tables()]
    return text, [[[c or "" for c in row] for row in t] for t in tables]


def _pymupdf(path: Path) -> tuple[str, list[list[list[str]]]]:
    import pymupdf

    doc = pymupdf.open(str(path))
    text = "\n".join(page.get_text() for page in doc)
    tables = [t.extract() for page in doc for t in page.find_tables().tables]
    return text, [[[c or "" for c in row] for row in t] for t in tables]


READERS = {"pypdf": _pypdf, "pdfplumber": _pdfplumber, "pymupdf": _pymupdf}
LICENCES = {"pypdf": "BSD-3-Clause", "pdfplumber": "MIT (pdfminer.six MIT, pypdfium2 Apache-2.0/BSD-3)", "pymupdf": "AGPL-3.0 (or commercial)"}


def _rows_right(tables: list[list[list[str]]], want: list[list[str]]) -> int:
    got = {tuple(re.sub(r"\s+", "", c) for c in row) for t in tables for row in t}
    return sum(1 for row in want[1:] if tuple(re.sub(r"\s+", "", c) for c in row) in got)


HEAD = """# PDF libraries on the plan's PDF

Written by `python -m bench.pdf_readers` (in a separate environment holding all three
libraries; only pdfplumber is a dependency of the project). The PDF is the corpus's plan as
`tests/plan_files.py` prints it: A5, four pages, numbered headings, a five-row table of the
key projects, a running header and 第 N 页 footers. "Text recovered" compares the text of the
whole page, header and footer included, with the document's text without them, so 1.000 is
not reachable.

"""
TAIL = """
Every library recovers every Chinese character of the body in order with both fonts; the
differences are the running header and footer (in every library's page text; the project's
loader drops them) and, for pdfplumber, the table cells in line order (its page text
interleaves wrapped cells; its table finder recovers every row). pypdf has no table finder, so
rows lose their header. PyMuPDF reads as well but is AGPL-3.0, which does not fit an MIT
project. pdfplumber (MIT) is the choice: text, tables and the position and size of every
character (for headers, footers, the title and wrapped lines). It is the slowest of the three
(2–6 × pypdf's time; 0.35–1.9 s for the four pages over two runs), which matters little at
index time for a plan of a few dozen pages. Measured on a shared two-core machine whose load
average was 11–22 during the runs, so the times are pessimistic and noisy.
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS-pdf.md")
    args = parser.parse_args()
    plan = read_markdown(next(p for p in sorted((ROOT / "corpus").glob("*.md")) if p.name != "README.md"))
    expected = _expected(plan)
    want = project_table(plan)
    lines = ["| library | licence | font | text recovered | table rows right | read time (median of 5) |", "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for font in ("auto", "cid"):
            pdf = write_pdf(plan, Path(tmp) / f"plan-{font}.pdf", font=font)
            for name, read in READERS.items():
                try:
                    text, tables = read(pdf)
                except ImportError:
                    continue
                times = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    read(pdf)
                    times.append(time.perf_counter() - t0)
                ratio = difflib.SequenceMatcher(None, expected, re.sub(r"\s+", "", text), autojunk=False).ratio()
                label = "embedded TrueType" if font == "auto" else "CID STSong-Light"
                lines.append(f"| {name} | {LICENCES[name]} | {label} | {ratio:.3f} | {_rows_right(tables, want)} / {len(want) - 1} "
                             f"| {statistics.median(times) * 1000:.0f} ms |")
    report = "\n".join(lines)
    args.out.write_text(HEAD + report + "\n" + TAIL, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
