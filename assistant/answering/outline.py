"""How a document is divided, asked of the document itself: “这个办法一共分几章？”, “这个条例一共
分几章、几条？” are answered from its headings (第一章 总则 … 第六章 附则) and its articles (第一条 …
第二十八条), which no passage states as a count. The answer names the first and last of each
as the document numbers them (第一章至第六章, 第一条至第二十八条), figures the passages hold,
and cites the last article; a count of what a clause lists (多少条措施) is no such question."""

from __future__ import annotations

import re

from ..lexicon import pattern
from ..text import CN_NUMERAL
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .parts import CITED, THIS, document_chunks
from .understanding import Intent

#: the chapters or articles asked for (data/patterns.yaml ask_outline)
ASKS = pattern("ask_outline")
_CHAPTER = re.compile(rf"^第[{CN_NUMERAL}\d]+章")
_ARTICLE = re.compile(rf"^第[{CN_NUMERAL}\d]+条")


def chapters(chunks: list[Chunk]) -> list[str]:
    """The chapter headings of a document's chunks (第一章 总则), in order, each once, at whatever
    level they stand (under the notice that issues the document too)."""
    return list(dict.fromkeys(p for ch in chunks for p in ch.section_path if _CHAPTER.match(p)))


def articles(chunks: list[Chunk]) -> list[tuple[str, Chunk]]:
    """The articles of a document (第一条) with the first chunk of each, in order."""
    found: dict[str, Chunk] = {}
    for ch in chunks:
        name = next((m.group(0) for p in ch.section_path[-1:] if (m := _ARTICLE.match(p))), None)
        if name is not None:
            found.setdefault(name, ch)
    return list(found.items())


def outline(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """The chapters and articles of the document the question points at, first to last."""
    asked = {m.group(1) for m in ASKS.finditer(question)}
    if not asked or not passages or CITED.search(question) or not THIS.search(question):
        return None
    chunks = document_chunks(c, passages[0].chunk.source)
    heads, items = chapters(chunks), articles(chunks)
    if ("章" in asked and not heads) or ("条" in asked and not items) or not items:
        return None
    said = []
    if "章" in asked:
        said.append(c.say("outline_chapters", first=heads[0].split()[0], last=heads[-1].split()[0], names="、".join(heads))
                    if len(heads) > 1 else c.say("outline_one_chapter", name=heads[0]))
    if "条" in asked:
        said.append(c.say("outline_articles", first=items[0][0], last=items[-1][0]))
    last = items[-1][1]
    allp, at = with_chunks(passages, [last])
    return Draft(c.say("outline", said="，".join(said), mark=f"[{at[last.id]}]"), allp, Intent.FIGURE)


__all__ = ["articles", "chapters", "outline"]
