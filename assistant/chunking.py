"""Structure-aware chunking for Chinese policy documents.

Chunks follow the document's headings (Markdown ``#`` headings, or in plain text lines
such as ``一、指导思想`` / ``（一）`` / ``1. 总体目标`` / ``第二章``) and long sections are
split on sentence boundaries (。！？；, and ``. `` in English), never inside a sentence
or a number. A sentence longer than a chunk is split at commas. Every chunk carries its
section path (``六、重点工程 › 生态安全领域``), its source and a stable id derived from
its content, so re-indexing the same corpus gives the same ids.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .lexicon import words
from .text import ASCII_MARK_ENDS, is_row
from .types import SECTION_SEP, Chunk, Document

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
#: an article's number alone or with its name in brackets (第四条(供应对象)), on a line of its
#: own: a heading in a Markdown document too, one level below its deepest ``#`` heading
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零\d]+条(?:[(（【][^()（）【】]{1,20}[)）】])?$")
_TXT_HEADINGS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^第[一二三四五六七八九十百零\d]+[章篇]\s*\S"), 2),
    (re.compile(r"^[一二三四五六七八九十]+、\s*\S"), 2),
    (re.compile(r"^第[一二三四五六七八九十百零\d]+节\s*\S"), 3),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*\S"), 3),
    (_ARTICLE, 4),
    (re.compile(r"^\d{1,2}[.．、]\s*\S"), 5),
)
_LIST_LEVEL = 5  # numbered lines (1. 2. …) are list items when their neighbours are numbered too
#: a numbered clause opening its own text, "第十条 储备粮的…": the clause is a heading of its own
_CLAUSE = re.compile(r"^(第[一二三四五六七八九十百零\d]+条)[ \t\u3000]*(\S.*)$")
#: the level of an article heading in a Markdown document, below every ``#`` level
_ARTICLE_LEVEL = 7
#: an article's name in brackets, once its number is stripped: (供应对象) → 供应对象
_BRACKETED = re.compile(r"^[(（【]([^()（）【】]+)[)）】]$")
#: a heading's numbering: 六、 2. （一） and an article's number before its name (第三条 平台机构;
#: an article number alone, a heading of its own, is kept). A chapter's (第三章 储存) is kept:
#: chapter names are broad topics (储存, 资金) that a question names in passing
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\d+[.．、]\s*|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十百零\d]+条(?:[ \t\u3000]+(?=\S)|(?=[(（【])))"
)
#: (an English full stop ends a sentence, not the number of a list item: 2. B类护理)
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])(?![”’」』）)\]])|(?<=[。！？；!?;][”’」』）)\]])|(?<=(?<!\d)[.])\s+(?=[A-Z“\"])")
#: (an ASCII comma or colon ends no clause inside a figure or an address: text.ASCII_MARK_ENDS)
_CLAUSE_END = re.compile(rf"(?<=[，、：])|(?<=[,:]){ASCII_MARK_ENDS}")
_TERMINAL = re.compile(r"[。！？；.!?;，,]$")
#: a Markdown heading that is a statement of the document, not a name for its section: a
#: sentence ended by 。 or ； with a clause of its own before (七、本通知自2024年3月4日起施行，有效期5年。),
#: where a title only ends in a full stop （一）加强组织领导。 and a question is a title (1.…多少个？)
_STATEMENT = re.compile(r"[，,：:；;][^。；;]*[。；;]$")


@dataclass(frozen=True)
class ChunkingConfig:
    chunk_size: int = 300
    chunk_overlap: int = 0

    def to_json(self) -> dict[str, object]:
        return {"strategy": "sections+whole-lines", "chunk_size": self.chunk_size, "chunk_overlap": self.chunk_overlap}


@dataclass
class _Section:
    path: tuple[str, ...]
    lines: list[str]


def strip_numbering(heading: str) -> str:
    """A heading without its numbering: 六、重点工程 → 重点工程, 2. 近期目标 → 近期目标,
    第四条(供应对象) → 供应对象."""
    name = _NUMBERING.sub("", heading).strip()
    bracketed = _BRACKETED.match(name)
    return bracketed.group(1).strip() if bracketed and name != heading else name


def short_forms(names: Iterable[str]) -> dict[str, str]:
    """Short forms of sibling headings that end alike: the ending two or more of them share is
    the kind of thing they are (…领域, …目标), the rest names each one (生态经济领域 → 生态经济,
    远期目标 → 远期). A rest that is a frame word (总体, 具体) names nothing and is left out.
    Returns short form → heading."""
    frames = words("abstract_nouns") | words("generic_words")
    names = [n for n in dict.fromkeys(names) if len(n) >= 4]
    out: dict[str, str] = {}
    for name in names:
        for cut in (2, 3):
            ending, rest = name[-cut:], name[:-cut]
            if len(rest) >= 2 and sum(1 for other in names if other.endswith(ending)) >= 2:
                if rest not in frames:
                    out.setdefault(rest, name)
                break
    return out


def heading_forms(paths: Iterable[tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Each heading (without numbering) → the ways a question may name it: itself and its
    short form among its siblings (:func:`short_forms`)."""
    siblings: dict[tuple[str, ...], list[str]] = {}
    for path in dict.fromkeys(paths):
        for depth, heading in enumerate(path):
            kids = siblings.setdefault(path[:depth], [])
            name = strip_numbering(heading)
            if name not in kids:
                kids.append(name)
    forms: dict[str, tuple[str, ...]] = {}
    for kids in siblings.values():
        shorts: dict[str, list[str]] = {}
        for short, name in short_forms(kids).items():
            shorts.setdefault(name, []).append(short)
        for name in kids:
            forms.setdefault(name, (name, *shorts.get(name, ())))
    return forms


def chunk_documents(documents: Iterable[Document], config: ChunkingConfig) -> list[Chunk]:
    chunks: list[Chunk] = []
    for doc in documents:
        chunks.extend(chunk_document(doc, config))
    return chunks


def chunk_document(doc: Document, config: ChunkingConfig) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for section in _sections(doc):
        for text in _pack(_units(section.lines), config):
            base = _chunk_id(doc.source, section.path, text)
            n = seen.get(base, 0)
            seen[base] = n + 1
            chunks.append(
                Chunk(
                    id=base if n == 0 else f"{base}-{n + 1}",
                    source=doc.source,
                    title=doc.title,
                    section_path=section.path,
                    text=text,
                    ordinal=len(chunks),
                )
            )
    return chunks


def _chunk_id(source: str, path: tuple[str, ...], text: str) -> str:
    digest = hashlib.sha1(f"{source}\n{SECTION_SEP.join(path)}\n{text}".encode()).hexdigest()
    return digest[:16]


# --------------------------------------------------------------------------- sections
def _sections(doc: Document) -> Iterator[_Section]:
    """Split a document into sections; the path omits the document title heading
    except for the text directly under it (the introduction)."""
    lines = doc.text.split("\n")
    markdown = any(_MD_HEADING.match(line.strip()) for line in lines)
    lines = _split_clauses(lines)  # 第X条 and its text on one line: the clause number heads its text
    stack: list[tuple[int, str]] = []
    current = _Section(path=(doc.title,), lines=[])
    title_level = None
    for i, raw in enumerate(lines):
        line = raw.strip()
        level_title = _heading(line, lines, i, markdown)
        if level_title is None:
            current.lines.append(line)
            continue
        level, heading = level_title
        if current.lines:
            yield current
        # a statement written as a heading is also its section's first line: its words and
        # figures are searched and quoted like any other sentence
        stated = [strip_numbering(heading)] if markdown and _STATEMENT.search(heading) else []
        if title_level is None and level == 1:
            title_level = level
            stack = []
            current = _Section(path=(heading,), lines=stated)
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        current = _Section(path=tuple(h for _, h in stack), lines=stated)
    if current.lines:
        yield current


def _split_clauses(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        m = None if _ARTICLE.match(line.strip()) else _CLAUSE.match(line.strip())
        out += [m.group(1), m.group(2)] if m else [line]
    return out


def _heading(line: str, lines: list[str], i: int, markdown: bool) -> tuple[int, str] | None:
    if markdown:
        m = _MD_HEADING.match(line)
        if m is None and _ARTICLE.match(line):
            return _ARTICLE_LEVEL, line
        return (len(m.group(1)), m.group(2).strip()) if m else None
    if not line or len(line) > 30 or _TERMINAL.search(line):
        return None
    for pattern, level in _TXT_HEADINGS:
        if pattern.match(line):
            if level == _LIST_LEVEL and _in_numbered_list(lines, i, pattern):
                return None  # a numbered list, not numbered headings
            return level, line
    return None


def _in_numbered_list(lines: list[str], i: int, pattern: re.Pattern[str]) -> bool:
    """A numbered line is a list item when its neighbours are numbered lines too, or
    when no body text follows it."""
    before = next((x.strip() for x in reversed(lines[:i]) if x.strip()), "")
    after = next((x.strip() for x in lines[i + 1 :] if x.strip()), "")
    if pattern.match(before) or pattern.match(after) or not after:
        return True
    return any(p.match(after) for p, _ in _TXT_HEADINGS)


# --------------------------------------------------------------------------- sentences
def _units(lines: list[str]) -> list[tuple[str, bool]]:
    """Sentence units of a section, each with a flag: does it start a new line?"""
    units: list[tuple[str, bool]] = []
    for line in lines:
        if not line:
            continue
        if is_row(line):  # a table row: its cells belong together
            units.append((line, True))
            continue
        first = True
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip()
            if sentence:
                units.append((sentence, first))
                first = False
    return units


def _split_long(sentence: str, size: int) -> list[str]:
    """Split an over-long sentence at clause punctuation, then (last resort) at a
    character that is not inside a number or a Latin word."""
    pieces: list[str] = []
    buf = ""
    for clause in _CLAUSE_END.split(sentence):
        if buf and len(buf) + len(clause) > size:
            pieces.append(buf)
            buf = ""
        buf += clause
        while len(buf) > size:
            cut = size
            while cut > size // 2 and re.match(r"[\w.%．]", buf[cut]) and re.match(r"[\w.%．]", buf[cut - 1]) and buf[cut].isascii():
                cut -= 1
            pieces.append(buf[:cut])
            buf = buf[cut:]
    if buf:
        pieces.append(buf)
    return pieces


def _pack(units: list[tuple[str, bool]], config: ChunkingConfig) -> list[str]:
    size, overlap = config.chunk_size, config.chunk_overlap
    expanded: list[tuple[str, bool]] = []
    for text, newline in units:
        if len(text) > size:
            parts = _split_long(text, size)
            expanded.extend((p, newline and k == 0) for k, p in enumerate(parts))
        else:
            expanded.append((text, newline))

    def render(group: list[tuple[str, bool]]) -> str:
        out = ""
        for k, (text, newline) in enumerate(group):
            out += ("\n" if newline and k else "") + text
        return out

    chunks: list[str] = []
    group: list[tuple[str, bool]] = []
    fresh = 0  # units in ``group`` that are not overlap carried from the previous chunk
    for unit in expanded:
        if group and fresh and len(render(group + [unit])) > size:
            start = _line_start(group, unit, len(group) - fresh, size, render)
            if start is not None:  # the line the unit belongs to goes whole to the next chunk
                chunks.append(render(group[:start]))
                group = group[start:]
                group.append(unit)
                fresh = len(group)
                continue
            chunks.append(render(group))
            carried: list[tuple[str, bool]] = []
            for prev in reversed(group):
                if len(render([prev] + carried)) > overlap:
                    break
                carried.insert(0, prev)
            while carried and len(render(carried + [unit])) > size:
                carried.pop(0)
            group = carried
            fresh = 0
        group.append(unit)
        fresh += 1
    if group and fresh:
        chunks.append(render(group))
    return chunks


def _line_start(group: list[tuple[str, bool]], unit: tuple[str, bool], carried: int, size: int, render) -> int | None:  # type: ignore[no-untyped-def]
    """Where to end a full chunk so that the line ``unit`` continues is not cut in two: the
    start of that line in ``group``, when the line with ``unit`` fits in one chunk and
    something stays before it (a list item's second clause, 居民参保人员…, keeps the item's
    head, 3. C类护理：…). None when the unit opens a line, or the line is too long anyway."""
    if unit[1]:
        return None
    start = next((k for k in range(len(group) - 1, -1, -1) if group[k][1]), None)
    if start is None or start <= carried or len(render(group[start:] + [unit])) > size:
        return None
    return start
