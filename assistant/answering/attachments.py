"""The attachments a document lists, asked of the document itself: “这份通知一共附了哪几个附件？”,
“这个方案后面附了几个附件？” are answered from the list the document writes after its body
(附件：1.……  2.……), in its order and counted in the form the verification checks (共2个：
A[1]、B[1]); a single one (附件：……) is named alone. A question about one attachment (附件1里…,
在哪个附件), or about another document the corpus cites, is no such question."""

from __future__ import annotations

import re

from ..lexicon import pattern
from ..text import CN_NUMERAL
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .enumerations import enumeration, marker_in_run, marker_of, run_markers
from .parts import CITED, document_chunks
from .understanding import Intent

#: which or how many attachments (data/patterns.yaml ask_attachments)
ASKS = pattern("ask_attachments")
#: one attachment named by its number (附件1, 附件二): a question about what it says
_ONE = re.compile(rf"附件\s*[{CN_NUMERAL}\d]")
#: the line that opens the list (附件：), at the start of a paragraph
_LEAD = re.compile(r"(?:^|\n)[ \t\u3000]*附件[ \t\u3000]*[：:][ \t\u3000]*")
#: longer than this, the text after 附件： is no attachment's name
LONGEST = 80


def _lines(chunks: list[Chunk], at: int, text: str) -> list[tuple[str, Chunk]]:
    """The lines from ``text`` (the rest of chunk ``at`` after 附件：) on, then those of the
    chunks after it while each opens with a list marker: a list may be cut into chunks."""
    out = [(line.strip(), chunks[at]) for line in text.split("\n") if line.strip()]
    for ch in chunks[at + 1 :]:
        lines = [line.strip() for line in ch.text.split("\n") if line.strip()]
        if not lines or (marker_of(lines[0]) is None and marker_in_run(lines[0], 2) is None):
            break
        out += [(line, ch) for line in lines]
    return out


def listed(chunks: list[Chunk], at: int) -> list[tuple[str, Chunk]]:
    """The attachments chunk ``at`` lists after 附件：, in order, each with the chunk that names
    it: the numbered lines that follow (1.…, 2.…, also in the next chunks), the numbered items
    of one line, or the one name it gives; [] without such a list."""
    m = _LEAD.search(chunks[at].text)
    if m is None:
        return []
    lines = _lines(chunks, at, chunks[at].text[m.end():])
    if not lines:
        return []
    named: list[tuple[str, Chunk]] = []
    for (_, ch), found in zip(lines, run_markers([line for line, _ in lines])):  # one numbered line per attachment
        if found is None or found[1] != len(named) + 1:
            break
        named.append((found[2], ch))
    if len(named) < 2:
        one = enumeration(lines[0][0])  # 附件：1.甲 2.乙 on one line
        if one is not None and not one.lead:
            named = [(item, lines[0][1]) for item in one.items]
        elif marker_in_run(lines[0][0], 1) is None:
            named = [lines[0]]
    # a name that opens with a figure (1.2026年…申请表) reads as a decimal with its marker,
    # which no verification can match: such a list is left to the other handlers
    if not named or any(len(n) > LONGEST or re.search(r"[。；;]", n) or n[0].isdigit() for n, _ in named):
        return []
    return named


def attachment_list(chunks: list[Chunk]) -> list[tuple[str, Chunk]]:
    """The first list of attachments among a document's chunks (see :func:`listed`)."""
    for at in range(len(chunks)):
        named = listed(chunks, at)
        if named:
            return named
    return []


def attachments(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """The attachments of the document of the first passage, as that document lists them."""
    if not passages or not ASKS.search(question) or _ONE.search(question) or CITED.search(question):
        return None
    named = attachment_list(document_chunks(c, passages[0].chunk.source))
    if not named:
        return None
    allp, at = with_chunks(passages, list(dict.fromkeys(ch for _, ch in named)))
    if len(named) == 1:
        name, chunk = named[0]
        return Draft(c.say("attachment_one", name=name, mark=f"[{at[chunk.id]}]"), allp, Intent.LIST)
    items = "、".join(f"{name}[{at[chunk.id]}]" for name, chunk in named)
    return Draft(c.say("attachments", count=len(named), items=items), allp, Intent.FIGURE)


__all__ = ["attachment_list", "attachments", "listed"]
