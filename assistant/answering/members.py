"""“Which N” questions (哪六个产业, 分别是哪四长, 哪五个方面): a document may name a group by
its count (六大优势产业, 四长治河) without ever listing it. Such a question is left to the
other handlers only when the passages list N things somewhere: N items of one list in a
sentence (A、B、C和D), N numbered lines of a section, or a heading with N parts. Otherwise
the members are not stated, and the answer says so instead of quoting the sentence that
only names the group. Nothing here knows a document."""

from __future__ import annotations

import re

from ..types import RetrievedChunk
from .compose import Composer, Draft
from .enumerations import enumeration, numbered_run
from .ordinals import cn_number
from .scoring import clauses, sentences
from .understanding import Intent
from .vocabulary import BOOK_TITLE

#: the numerals a count of a group is written in (not 一: one member makes no group)
_NUMERALS = "两二三四五六七八九十"
#: 哪六个, 是哪四长, 分别是哪五项: the count of the members asked for
#: (哪两年 asks for years, not for members)
WHICH_N = re.compile(rf"哪([{_NUMERALS}]|[2-9]|1\d)(?:个|大|项|条|类|种|家|位|方面|部分|(?![年月日天])[\u4e00-\u9fff])")
#: the group as the question names it: quoted, or by its count (六大优势产业, 四个阶段)
_QUOTED = re.compile(r"[“\"‘']([^”\"’']{2,16})[”\"’']")
_COUNTED = re.compile(rf"[{_NUMERALS}]+(?:大|个|项|条|类|种)?[\u4e00-\u9fff]{{1,8}}?(?=[，。？?、具分都是指里中有包]|$)")
#: a list's last item joined by 和/及/与 (A、B和C: three)
_JOINED = re.compile(r"[和及与]")
#: a count written after a list (四个重点产业, 五大方面, 两大平台)
_COUNT_WORD = re.compile(rf"[{_NUMERALS}]+(?:个|大|项|类|种|条)")
_BOOK_RUN = re.compile(r"(?:《[^《》]+》[、和及与]?){2,}")


def list_sizes(text: str) -> set[int]:
    """How many items each list written in ``text`` has: 、-lists within a clause (with a
    last item joined by 和), also the part of one right before a count (A、B、C、D四个产业 in
    a clause that lists more), runs of book titles (《A》《B》), numbered runs within a
    paragraph or over its lines."""
    sizes: set[int] = set()
    for s in sentences(text):
        for clause in clauses(s):
            chains = [clause] + [clause[: m.start()] for m in _COUNT_WORD.finditer(clause)]
            for chain in chains:
                items = chain.split("、")
                if len(items) > 1 or _JOINED.search(items[-1]):
                    sizes.add(len(items) + (1 if _JOINED.search(items[-1]) else 0))
        sizes.update(len(BOOK_TITLE.findall(run)) for run in _BOOK_RUN.findall(s))
    found = enumeration(text)
    if found is not None:
        sizes.add(len(found.items))
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if run := numbered_run(lines):
        sizes.add(len(run))
    return sizes


def _counted_otherwise(question: str, n: int, passages: tuple[RetrievedChunk, ...]) -> bool:
    """Does a passage count the asked kind with another number (the question's 六个阶段, the
    passage's 四个阶段)? Then the question's count is a false premise, answered with the list."""
    for m in re.finditer(rf"([{_NUMERALS}]+)(个|大|项|类|种|条)?([\u4e00-\u9fff]{{2}})", question):
        if cn_number(m.group(1)) != n:
            continue
        stated = re.compile(rf"([{_NUMERALS}]+){m.group(2) or ''}{m.group(3)}")
        if any(cn_number(x.group(1)) not in (n, None) for rc in passages for x in stated.finditer(rc.chunk.text)):
            return True
    return False


def members(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """Not stated, when a question asks which N members and no list of the passages has N."""
    m = WHICH_N.search(question)
    n = cn_number(m.group(1)) if m else None
    if n is None or n < 2 or not passages or _counted_otherwise(question, n, passages):
        return None
    sections = {c.vocab.section_chunks(rc.chunk) for rc in passages}
    texts = {rc.chunk.text for rc in passages} | {"\n".join(ch.text for ch in chunks) for chunks in sections}
    if any(n in list_sizes(text) for text in texts):
        return None
    if any(len(c.vocab.parts(h)) == n for rc in passages for h in c.vocab.ancestors(rc.chunk) if h in c.vocab.depth):
        return None
    named = _QUOTED.search(question) or _COUNTED.search(question[: m.start()] if m else question)
    subject = named.group(1) if named and named.re is _QUOTED else named.group(0) if named else c.say("not_stated_any")
    return Draft(c.say("not_stated", subject=subject, what=c.say("what_members")), passages, Intent.NOT_STATED)


__all__ = ["WHICH_N", "list_sizes", "members"]
