"""When a document takes effect: “这个条例从哪天起施行？”, “When did the regulation come into
force?” are answered with the sentence of the document that says so (本条例自2019年7月1日起施行),
wherever retrieval ranked it. That sentence, the last article of a regulation, shares few words
with such a question, and a question naming the document by its title is drawn to the passages
of the title and its preamble, which hold other dates (通过, 批准)."""

from __future__ import annotations

from ..lexicon import document_kinds, pattern
from ..text import is_english
from ..types import RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .parts import CITED, THIS, stated_in
from .understanding import Intent

#: a question about when the document takes effect, and the sentence that says it (data/patterns.yaml)
ASKS, STATED = pattern("ask_effective"), pattern("effective_stated")
#: a question about when it ends, and the document named in an English question
EXPIRY, KIND_EN = pattern("ask_expiry"), pattern("this_document_en")
#: what may come before the asking words when the question names no subject of its own: its
#: subject is the document, whose title the composer took out (嘉兴市养犬管理条例是从哪一天起施行的
#: → 《》是从哪一天起施行的), or that a follow-up points back at (那它从什么时候开始执行)
NO_SUBJECT = pattern("no_subject")


def effective_date(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """The sentence by which the document of the best passage takes effect, for a question that
    asks when the document itself (这个条例, 嘉兴市养犬管理条例, this regulation) takes effect;
    None when the document has no such sentence, or the question asks when it ends or about a
    document it cites (依据的文件)."""
    asked = ASKS.search(question)
    if not passages or asked is None or EXPIRY.search(question) or CITED.search(question):
        return None
    named = KIND_EN.search(question) if is_english(question) else (
        THIS.search(question) or _kind_named(question) or not NO_SUBJECT.sub("", question[: asked.start()]))
    if not named:
        return None
    # the last one: the closing article (an earlier sentence may cite it: 自本条例施行之日起)
    found = stated_in(c, passages[0].chunk.source, STATED, last=True)
    if found is None:
        return None
    chunk, s = found
    allp, at = with_chunks(passages, [chunk])
    return Draft(f"{c.lead(chunk, s)}[{at[chunk.id]}]。", allp, Intent.FIGURE)


def _kind_named(question: str) -> bool:
    """Does the question name a document by its kind (条例, 办法 …, as a title ends)?"""
    return any(kind in question for kind in document_kinds())


__all__ = ["effective_date"]
