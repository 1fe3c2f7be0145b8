"""The parts of an official document asked for by name: 这份通知的文号是多少, 落款日期是哪天.
A notice states its number and its date in lines of their own, which share no words with
such a question, so retrieval seldom brings them; they are looked up in the document."""

from __future__ import annotations

import re

from ..lexicon import pattern
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .scoring import end, sentences
from .understanding import Intent

#: a question about a document the corpus cites (依据的文件), and one pointing at the document itself (这份通知)
CITED, THIS = pattern("cited_document"), pattern("this_document")


def document_chunks(c: Composer, source: str) -> list[Chunk]:
    """The chunks of one document, in its order."""
    return sorted((ch for chunks in c.vocab.sequence.values() for ch in chunks if ch.source == source), key=lambda ch: ch.ordinal)


def stated_in(c: Composer, source: str, stated: re.Pattern[str], last: bool = False) -> tuple[Chunk, str] | None:
    """The first sentence of the document ``source`` that ``stated`` finds, with its chunk (the
    ``last`` one: a closing article), or None."""
    hits = ((ch, s) for ch in document_chunks(c, source) for s in sentences(ch.text) if stated.search(s))
    if not last:
        return next(hits, None)
    found = None
    for found in hits:
        pass
    return found


def document_part(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """The first line of the document that states each part the question asks for by name
    (a line of its own: a number inside a sentence is a cited document's), for a question
    that points at the document itself (这份通知的文号); nothing for one about a document it
    cites (依据的文件文号是多少), nor for a bare 文号是多少, which may follow up on one."""
    asked = c.vocab.asked_parts(question)
    if not asked or not passages or CITED.search(question) or not THIS.search(question):
        return None
    found: list[tuple[Chunk, str]] = []
    for stated in asked:
        hit = stated_in(c, passages[0].chunk.source, stated)
        if hit is None:
            return None
        found.append(hit)
    allp, at = with_chunks(passages, [ch for ch, _ in found])
    return Draft("；".join(f"{end(s)}[{at[ch.id]}]" for ch, s in found) + "。", allp, Intent.FIGURE)


__all__ = ["CITED", "THIS", "document_chunks", "document_part", "stated_in"]
