"""Positions in a document's own order: “保障措施的第三个方面”, “最后一条”, “倒数第二个”
answered with the part of a heading at that position (its subsections, in document order).
A document that numbers its clauses in words (第三条) is left to retrieval: the words
stand in its text."""

from __future__ import annotations

import re

from ..lexicon import pattern
from ..text import CN_DIGITS as _DIGITS
from ..text import cn_number as text_number
from ..types import RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .scoring import sentences
from .understanding import Intent

#: ordinal words that count as one (头一条, 首条)
_FIRST = {"首": 1, "头": 1}


def cn_number(text: str) -> int | None:
    """一 … 九十九 (and Arabic digits) as an int, 首 and 头 as one; None for anything else."""
    return _FIRST.get(text) or text_number(text)


def position(question: str) -> tuple[int, str] | None:
    """The position a question asks for, 1-based, or negative from the end (−1 the last),
    with the words that ask it; None when it asks for none."""
    m = pattern("ask_position").search(question)
    if m is None:
        return None
    words = m.group(0)
    if m.group("last") is not None:
        return -1, words
    if m.group("from_end") is not None:
        n = cn_number(m.group("from_end"))
        return (-n, words) if n else None
    n = cn_number(m.group("nth") or m.group("first") or "")
    return (n, words) if n else None


def spoken(n: int) -> str:
    """How the answer names a position: 第三, 最后, 倒数第二 (in words: a digit would be a
    figure that no passage states)."""
    def cn(k: int) -> str:
        return (_DIGITS[k - 1] if k < 10 else ("十" if k < 20 else _DIGITS[k // 10 - 1] + "十") + (_DIGITS[k % 10 - 1] if k % 10 else ""))
    if n == -1:
        return "最后"
    return f"倒数第{cn(-n)}" if n < 0 else f"第{cn(n)}"


def nth_part(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """The part at the asked position of the heading the question names."""
    asked = position(question)
    if asked is None or not passages:
        return None
    n, words = asked
    if words in c.vocab.text:  # the document numbers its own parts so (第三条): retrieval finds it
        return None
    heading = c.parent_heading(question)  # only a heading the question names: 第一个项目 of a section is no part of it
    if heading is None:
        return None
    parts = c.vocab.parts(heading)
    if len(parts) < 2:
        return None
    index = n - 1 if n > 0 else len(parts) + n
    if not 0 <= index < len(parts):
        return Draft(c.say("ordinal_part_missing", heading=heading, which=spoken(n)), passages, Intent.NOT_STATED)
    name, chunks = parts[index]
    allp, at = with_chunks(passages, [chunks[0]])
    first = sentences(chunks[0].text.replace("\n", "；"))[0]
    body = c.lead(chunks[0], first)
    body = body[len(name) + 1:] if body.startswith(f"{name}：") else body
    text = c.say("ordinal_part", heading=heading, which=spoken(n), name=name, body=body, mark=f"[{at[chunks[0].id]}]")
    return Draft(text, allp, Intent.LIST)


__all__ = ["cn_number", "nth_part", "position", "spoken"]
