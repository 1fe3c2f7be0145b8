"""Load the documents in ``corpus/``.

Markdown and plain-text files may open with a YAML front matter block (``---`` … ``---``)
holding their metadata (``title``, ``issuer``, ``doc_type``, ``planning_period`` …).
HTML is read with the standard library; ``.docx`` (python-docx) and ``.pdf`` (pdfplumber)
by :mod:`assistant.loaders`, with their headings, tables and page furniture handled there. Any other file may carry its metadata in a
sidecar ``<name>.meta.yaml``. Files whose name starts with ``_`` or ``.`` are ignored.

A broken or empty file is reported by name (:class:`~assistant.errors.DocumentError`)
and skipped; the others still load.
"""

from __future__ import annotations

import hashlib
import html.parser
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import CorpusError, DocumentError
from .loaders import docx_text, markdown_tables, pdf_text, row_lines
from .types import Document

log = logging.getLogger(__name__)

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".docx", ".pdf")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class CorpusLoad:
    documents: tuple[Document, ...]
    problems: tuple[DocumentError, ...]

    @property
    def corpus_hash(self) -> str:
        return corpus_hash(self.documents)


def corpus_files(folder: Path) -> list[Path]:
    """The document files of a corpus folder, in a stable order."""
    if not folder.is_dir():
        raise CorpusError(f"语料目录不存在：{folder}（corpus folder not found）")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(("_", ".")) for part in p.relative_to(folder).parts)
        and p.stem.lower() != "readme"  # the folder's documentation, not a document
    )


def corpus_hash(documents: Iterable[Document]) -> str:
    h = hashlib.sha256()
    for doc in sorted(documents, key=lambda d: d.source):
        h.update(doc.source.encode())
        h.update(b"\0")
        h.update(doc.sha256.encode())
        h.update(b"\n")
    return h.hexdigest()


def load_corpus(folder: Path) -> CorpusLoad:
    """Load every document in ``folder``; raise :class:`CorpusError` if none is usable."""
    documents: list[Document] = []
    problems: list[DocumentError] = []
    for path in corpus_files(folder):
        try:
            documents.append(load_document(path, folder))
        except DocumentError as err:
            log.warning("skipped %s", err)
            problems.append(err)
    if not documents:
        detail = "；".join(str(p) for p in problems) or "没有 .md/.txt/.html/.docx/.pdf 文件"
        raise CorpusError(f"语料目录 {folder} 中没有可用的文档（no usable document）：{detail}")
    return CorpusLoad(tuple(documents), tuple(problems))


def load_document(path: Path, root: Path) -> Document:
    source = path.relative_to(root).as_posix()
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise DocumentError(source, f"无法读取文件（cannot read: {err.strerror}）") from err
    suffix = path.suffix.lower()
    metadata: dict[str, str] = {}
    if suffix in (".md", ".markdown", ".txt"):
        text = _decode(source, raw)
        metadata, text = _split_front_matter(source, text)
        text = markdown_tables(_COMMENT.sub("", text))
    elif suffix in (".html", ".htm"):
        text = _html_text(_decode(source, raw))
    else:
        text, found = (docx_text if suffix == ".docx" else pdf_text)(source, path)
        if found:
            metadata["title"] = found
    sidecar = path.with_name(path.name + ".meta.yaml")
    if sidecar.exists():
        metadata = {**_parse_yaml_mapping(source, sidecar.read_text(encoding="utf-8")), **metadata}
    text = _normalize_newlines(text)
    if not text.strip():
        raise DocumentError(source, "文件没有正文（the file is empty）")
    title = metadata.get("title") or _first_heading(text) or path.stem
    return Document(
        source=source,
        title=title,
        text=text,
        metadata={k: v for k, v in metadata.items() if k != "title"},
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _decode(source: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DocumentError(
            source, f"不是 UTF-8 编码（not UTF-8 text, byte {err.start}）；请另存为 UTF-8"
        ) from err


def _split_front_matter(source: str, text: str) -> tuple[dict[str, str], str]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    return _parse_yaml_mapping(source, m.group(1)), text[m.end() :]


def _parse_yaml_mapping(source: str, block: str) -> dict[str, str]:
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError as err:
        raise DocumentError(source, f"元数据格式错误（invalid YAML metadata: {err}）") from err
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DocumentError(source, "元数据必须是“键: 值”形式（metadata must be a mapping）")
    return {str(k): str(v) for k, v in data.items() if v is not None}


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")


def _first_heading(text: str) -> str | None:
    m = re.search(r"^#\s+(.+)$", text, re.M)
    return m.group(1).strip() if m else None


class _HTMLText(html.parser.HTMLParser):
    """The text of a web page: headings as Markdown headings, blocks as lines, a table's rows
    as row lines (:func:`~assistant.loaders.row_lines`)."""

    BLOCKS = {"p", "div", "br", "li", "section", "article", "ul", "ol"}
    HEADINGS = {"h1": "#", "h2": "##", "h3": "###", "h4": "####", "h5": "#####", "h6": "######"}
    SKIP = {"script", "style", "nav", "header", "footer", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._tables: list[list[list[str]]] = []  # the rows of each open table, innermost last
        self._cell: int | None = None  # where in the current row the text of the open cell goes

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "table":
            self._tables.append([])
        elif self._tables and tag == "tr":
            self._tables[-1].append([])
        elif self._tables and tag in ("td", "th"):
            if not self._tables[-1]:
                self._tables[-1].append([])
            row, span = self._tables[-1][-1], next((v for k, v in attrs if k == "colspan"), None) or "1"
            self._cell = len(row)  # a cell spanning columns: its text in the first, the others empty
            row.extend([""] * min(int(span) if span.isdigit() else 1, 50))
        elif tag in self.HEADINGS:
            self.parts.append(f"\n\n{self.HEADINGS[tag]} ")
        elif tag in self.BLOCKS and not self._tables:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._cell = None
        elif tag == "table" and self._tables:
            rows, self._cell = self._tables.pop(), None
            self.parts.append("\n" + "\n".join(row_lines(rows)) + "\n")
        elif tag in self.HEADINGS:
            self.parts.append("\n\n")
        elif tag in self.BLOCKS and not self._tables:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        text = re.sub(r"[ \t\r\n]+", " ", data)
        if not self._tables:
            self.parts.append(text)
        elif self._cell is not None and self._tables[-1]:
            row = self._tables[-1][-1]
            row[self._cell] += text


def _html_text(markup: str) -> str:
    parser = _HTMLText()
    parser.feed(markup)
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()
