"""Totals of things a question names, wherever the document states them: “燃气管道和供水管道
改造加起来一共多少公里？” over two numbered tasks of one section, each with its own figure.

The section-level total (:func:`.aggregate.aggregate`) adds up the figures of the parts of a
heading; this one adds up the figures of the items the question lists before its “in total”
word (加起来, 一共, 合计 …), each found in the clause of the passages that holds most of its
words, in the same unit. Anything less certain (an item without such a clause, two items on
one clause, figures in different units) gives no answer here, and the other handlers answer."""

from __future__ import annotations

import re

from ..types import RetrievedChunk
from .aggregate import unit_of_figure, written_sum
from .compose import Composer, Draft, with_chunks
from .scoring import clauses, sentences
from .understanding import TOTAL, Intent
#: what joins the items of a list in a question
_JOIN = re.compile(r"和|与|及|以及|跟|、|还有|加上")
#: the share of an item's words a clause must hold to state its figure
MATCH = 0.6
#: passages searched for the items
TOP = 5


def listed_items(question: str) -> list[str]:
    """The items the question lists before its “in total” word (at least two, else none)."""
    m = TOTAL.search(question)
    if m is None:
        return []
    head = re.split(r"[，,：:]", question[: m.start()])[-1]
    items = [i.strip(" “”\"") for i in _JOIN.split(head) if i.strip(" “”\"")]
    return items if len(items) >= 2 else []


def items_total(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    items = listed_items(question)
    figure = c.vocab.any_figure
    if not items or figure is None:
        return None
    candidates = [(rc, cl) for rc in passages[:TOP] for s in sentences(rc.chunk.text) for cl in clauses(s) if figure.search(cl)]
    found, used = [], set()
    for item in items:
        words = {t for t in c.scorer.tokenize(item) if len(t) >= 2} or {item}
        scored = sorted(((sum(w in cl for w in words) / len(words), k) for k, (_, cl) in enumerate(candidates)), reverse=True)
        if not scored or scored[0][0] < MATCH or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None  # no clause, or no one clause, states this item's figure
        k = scored[0][1]
        if k in used:
            return None
        used.add(k)
        rc, clause = candidates[k]
        found.append((item, rc.chunk, figure.search(clause).group(0)))  # type: ignore[union-attr]
    suffixes = {unit_of_figure(fig) for _, _, fig in found}
    asked = re.search(r"多少(\S{1,2}?)[？?]?$", question)
    if len(suffixes) != 1 or (asked and figure.fullmatch("1" + asked.group(1)) and asked.group(1) not in suffixes):
        return None  # different units, or not the unit asked for
    allp, pos = with_chunks(passages, [ch for _, ch, _ in found])
    listed, expression, total, marks = written_sum(found, pos)
    text = c.say("sum", parts=listed, expression=expression, total=total, unit=suffixes.pop(), marks=marks)
    return Draft(text, allp, Intent.AGGREGATE)


__all__ = ["items_total", "listed_items"]
