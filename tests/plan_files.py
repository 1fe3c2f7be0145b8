"""Real .docx and .pdf versions of a Markdown document of the corpus, as a plan office would
receive them: Word heading styles (or, in the PDF, numbered headings in a larger font), a table
of the key projects, page headers, footers and page numbers.

The table is made from the document's own 重点工程 subsections (领域, 项目数, 主要项目, 投资), so
every figure in it stands in the Markdown text too. Used by the tests and by
``bench/pdf_readers.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CN_NUM = "一二三四五六七八九十"


@dataclass
class Block:
    kind: str  # "title" | "h2" | "h3" | "p" | "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Plan:
    title: str
    metadata: dict[str, str]
    blocks: list[Block]


def read_markdown(path: Path) -> Plan:
    raw = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    m = re.match(r"\A---\n(.*?)\n---\n", raw, re.S)
    if m:
        meta = {str(k): str(v) for k, v in (yaml.safe_load(m.group(1)) or {}).items()}
        raw = raw[m.end():]
    raw = re.sub(r"<!--.*?-->", "", raw, flags=re.S)
    blocks: list[Block] = []
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("### "):
            blocks.append(Block("h3", line[4:]))
        elif line.startswith("## "):
            blocks.append(Block("h2", line[3:]))
        elif line.startswith("# "):
            blocks.append(Block("title", line[2:]))
        else:
            blocks.append(Block("p", line))
    title = meta.get("title") or next(b.text for b in blocks if b.kind == "title")
    return Plan(title, meta, blocks)


def project_table(plan: Plan) -> list[list[str]]:
    """Rows (header first) of the key projects: one row per subsection of the heading whose
    subsections state 涉及N个项目, with its figures as the text states them."""
    rows = [["序号", "领域", "项目数（个）", "主要项目", "投资（亿元）"]]
    current: str | None = None
    for block in plan.blocks:
        if block.kind == "h3":
            current = block.text
        elif block.kind == "h2":
            current = None
        elif block.kind == "p" and current:
            count = re.search(r"涉及(\d+)个项目", block.text)
            if not count:
                continue
            names = re.search(r"项目(?:包括|为)(.+?)(?:等)?[，。]", block.text)
            money = re.search(r"共投资(\d+(?:\.\d+)?)亿元", block.text)
            rows.append([str(len(rows)), current, count.group(1), names.group(1) if names else "", money.group(1) if money else "—"])
    return rows


def with_table(plan: Plan, heading_prefix: str = "六、") -> list[Block]:
    """The blocks with the project table right under the heading ``heading_prefix`` (before
    its subsections), as a printed plan shows a summary table of its key projects."""
    out: list[Block] = []
    for block in plan.blocks:
        out.append(block)
        if block.kind == "h2" and block.text.startswith(heading_prefix):
            out.append(Block("table", rows=project_table(plan)))
    return out


def short_title(plan: Plan) -> str:
    m = re.search(r"《(.+?)》", plan.title)
    return m.group(1) if m else plan.title


# --------------------------------------------------------------------------- .docx
def write_docx(plan: Plan, out: Path) -> Path:
    """A Word file: Title and Heading 1/2 styles, the project table (header row in bold),
    a page header with the document's name and a footer with the page number."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.core_properties.title = plan.title
    section = document.sections[0]
    section.header.paragraphs[0].text = short_title(plan)
    footer = section.footer.paragraphs[0]
    run = footer.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.text = text
        run._r.append(el)
    for block in with_table(plan):
        if block.kind == "title":
            document.add_paragraph(block.text, style="Title")
        elif block.kind == "h2":
            document.add_heading(block.text, level=1)
        elif block.kind == "h3":
            document.add_heading(block.text, level=2)
        elif block.kind == "p":
            document.add_paragraph(block.text)
        else:
            table = document.add_table(rows=0, cols=len(block.rows[0]))
            table.style = "Table Grid"
            for r, values in enumerate(block.rows):
                cells = table.add_row().cells
                for cell, value in zip(cells, values):
                    cell.text = value
                    if r == 0:
                        cell.paragraphs[0].runs[0].bold = True
    document.save(str(out))
    return out


# --------------------------------------------------------------------------- .pdf
def cjk_font_file() -> Path | None:
    """A Chinese TrueType font of the machine (``fc-list :lang=zh``), or None."""
    if not shutil.which("fc-list"):
        return None
    out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    return next((Path(f) for f in files if f.lower().endswith((".ttf", ".ttc", ".otf"))), None)


def _register_font(font: str) -> str:
    """Register ``font`` with reportlab: "cid" = the built-in STSong-Light (not embedded),
    "auto" = the machine's Chinese font (embedded) or STSong-Light when there is none."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    path = cjk_font_file() if font == "auto" else None
    if path is None:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return "STSong-Light"
    name = "CJK-" + path.stem
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0) if path.suffix.lower() == ".ttc" else TTFont(name, str(path)))
    return name


def numbered_subsections(blocks: list[Block]) -> list[Block]:
    """Subsection headings without a number get （一）（二）… as a printed plan has them."""
    out: list[Block] = []
    k = 0
    for block in blocks:
        if block.kind == "h2":
            k = 0
        if block.kind == "h3" and not re.match(r"^(\d+[.．、]|[（(][一二三四五六七八九十]+[）)])", block.text):
            k += 1
            block = Block("h3", f"（{CN_NUM[k - 1]}）{block.text}")
        out.append(block)
    return out


def write_pdf(plan: Plan, out: Path, font: str = "auto", table_rows_repeat: int = 1) -> Path:
    """A PDF as a plan office prints it: the title large on the first page, numbered headings
    (subsections numbered （一）… when the Markdown has no number), body paragraphs indented,
    the project table with its header repeated on a new page, a running header with the
    document's name and a footer 第 N 页 on every page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    name = _register_font(font)
    body = ParagraphStyle("body", fontName=name, fontSize=10.5, leading=17, firstLineIndent=21, wordWrap="CJK")
    h2 = ParagraphStyle("h2", parent=body, fontSize=13, leading=22, firstLineIndent=0, spaceBefore=6)
    h3 = ParagraphStyle("h3", parent=body, fontSize=11.5, leading=19, firstLineIndent=0)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, firstLineIndent=0, alignment=1, spaceAfter=10)
    cell = ParagraphStyle("cell", parent=body, fontSize=8.5, leading=12, firstLineIndent=0)
    running = short_title(plan)

    def decorate(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(name, 8)
        width, height = A5
        canvas.drawCentredString(width / 2, height - 12 * mm, running)
        canvas.drawCentredString(width / 2, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    story: list[object] = []
    for block in numbered_subsections(with_table(plan)):
        if block.kind == "title":
            story.append(Paragraph(block.text, title))
        elif block.kind == "h2":
            story.append(Paragraph(block.text, h2))
        elif block.kind == "h3":
            story.append(Paragraph(block.text, h3))
        elif block.kind == "p":
            story.append(Paragraph(block.text, body))
        else:
            data = [[Paragraph(v, cell) for v in row] for row in block.rows]
            table = Table(data, repeatRows=table_rows_repeat, colWidths=[9 * mm, 24 * mm, 14 * mm, 50 * mm, 16 * mm])
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [Spacer(1, 4), table, Spacer(1, 4)]
    doc = SimpleDocTemplate(str(out), pagesize=A5, title=plan.title, topMargin=20 * mm, bottomMargin=18 * mm,
                            leftMargin=14 * mm, rightMargin=14 * mm)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out


def write_scanned_pdf(out: Path) -> Path:
    """A PDF whose page is only an image (as a scanner makes it): no text to extract."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for y in range(60, 760, 24):
        draw.line((50, y, 550, y), fill=40, width=6)
    pdf = canvas.Canvas(str(out), pagesize=A5)
    pdf.drawImage(ImageReader(image), 0, 0, *A5)
    pdf.showPage()
    pdf.save()
    return out
