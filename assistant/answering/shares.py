"""Ratios of one named section: an average per project (12.74÷14≈0.91) and its share of
the total of its heading's sections (12.74÷21.75≈58.6%), written out from the quoted
figures so that the verification checks them like any figure."""

from __future__ import annotations

import re
from decimal import Decimal

from ..citations import rounded
from ..lexicon import pattern
from ..retrieval import section_names
from ..text import is_english
from ..types import Chunk, RetrievedChunk
from .aggregate import figures_of, number, unit_of_figure, written_sum
from .compose import Composer, Draft, with_chunks
from .understanding import Intent
from .vocabulary import leaf


def ratio(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """An average per project or a section's share of the total, of one named section,
    computed from the quoted figures and written out so that it is verified like a sum."""
    average = pattern("average").search(question)
    if not average and not pattern("share").search(question):
        return None
    named = c.named(question, passages, by_synonym=True)
    if len(named) != 1:
        return None
    rc = named[0]
    pos = passages.index(rc) + 1
    spent = c.own_figure(rc.chunk, "money")
    if spent is None:
        return None
    a = number(spent)
    unit = unit_of_figure(spent)
    if average:
        count = c.own_figure(rc.chunk, "projects")
        if count is None:
            return None
        b = number(count)
        value = str(rounded(Decimal(a) / Decimal(b), 2))
        text = c.say(
            "average", name=leaf(rc.chunk), money=spent, count=count,
            expression=f"{a}÷{b}", value=value, unit=unit, mark=f"[{pos}]",
        )
        return Draft(text, passages, Intent.AGGREGATE)
    other = share_of_another(c, question, rc.chunk)
    if other is not None:  # 生态安全领域中，中央财政出资的比例: a share within the section, of a thing not written
        return Draft(c.say("not_stated", subject=other, what=c.say("what_value")), passages, Intent.NOT_STATED)
    heading = c.vocab.parent(rc.chunk)
    if heading is None:
        return None
    found, _ = figures_of(c, c.vocab.parts(heading), "money")
    if len(found) < 2 or rc.chunk.id not in {ch.id for _, ch, _ in found}:
        return None
    allp, at = with_chunks(passages, [ch for _, ch, _ in found])
    parts, expression, total, marks = written_sum(found, at)
    share = str(rounded(Decimal(a) / Decimal(total) * 100, 1))
    text = c.say("share", parts=parts, expression=expression, total=total, unit=unit, name=leaf(rc.chunk), a=a, share=share, marks=marks)
    return Draft(text, allp, Intent.AGGREGATE)


def share_of_another(c: Composer, question: str, chunk: Chunk) -> str | None:
    """What a share question asks the share of, when it is not the named section: the clause
    that asks the share names no section, and what stands before 的比例/占 there is nowhere in
    the documents (the section is the whole: 某领域的项目中，X的比例占多少)."""
    m = pattern("share").search(question)
    if m is None or is_english(question):  # an English question names its part in other words
        return None
    clause = re.split(r"[，,；;]", question[: m.start()])[-1]
    if any(n in clause for n in section_names(chunk, c.vocab.forms)):
        return None
    subject = re.sub(r"(?:的|所|占)+$", "", clause).strip()
    if len(subject) < 2 or not re.search(r"[\u4e00-\u9fff]", subject) or subject in c.vocab.text:
        return None
    return subject


__all__ = ["ratio", "share_of_another"]
