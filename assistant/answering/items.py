"""Totals and differences of things a question names, wherever the document states them:
“燃气管道和供水管道改造加起来一共多少公里？” over two numbered tasks of one section, each with its
own figure; “竞价上限比固定补贴价格高出多少？” over two clauses of one sentence.

The section-level total (:func:`.aggregate.aggregate`) adds up the figures of the parts of a
heading; this one combines the figures of the items the question names before its “in total”
word (加起来, 一共, 合计 …) or on either side of its comparison (A比B多, 从A到B增加, A和B相差),
each found next to the figure of the passages that holds most of its words, in the same unit.
Anything less certain (an item without such a figure, two items on one figure, figures in
different units) gives no answer here, and the other handlers answer."""

from __future__ import annotations

import re
from itertools import product
from typing import NamedTuple

from ..lexicon import pattern
from ..types import Chunk, RetrievedChunk
from .aggregate import number, said_difference, unit_of_figure, unsaid_quantity, written_sum
from .compose import Composer, Draft, with_chunks
from .scoring import clauses, sentences
from .understanding import DIFFERENCE, TOTAL, Intent, unit_of
from .vocabulary import leaf

#: what joins the items of a list in a question
_JOIN = re.compile(r"和|与|及|以及|跟|、|还有|加上")
#: a comparison of two things: A比B多/高/长…, 从A到B增加…
_THAN = re.compile(r"([^，,。？?；;：:]+?)比(?![例重率较如])([^，,。？?；;：:]+?)(?:要|还|能|会)?(?:多|高|少|低|长|短|大|小|增加|减少|提高|降低)")
_FROM_TO = re.compile(r"从([^，,。？?；;：:到至]+?)(?:到|至)([^，,。？?；;：:]+?)(?:要|能|会|将)?(?:增加|减少|提高|降低|增长|下降|多|少)")
#: a count with its measure word (2578张, 10座): a figure whatever units the corpus has
_COUNTED = pattern("counted_figure")
#: a bare number that is a table cell's value (2020年完成值：336)
_CELL = re.compile(r"(?<=[：:])\s*(\d+(?:\.\d+)?)(?=\s*(?:[；;。]|$))")
#: the share of an item's words the text around a figure must hold to state it
MATCH = 0.5
#: passages searched for the items
TOP = 5


class Stated(NamedTuple):
    """A figure as a passage states it, with the words around it and its sentence."""
    chunk: Chunk
    figure: str
    around: str
    sentence: str


def _segments(question: str, at: int) -> list[str]:
    """The question's clause before position ``at``, then the clause before that one (the
    “in total” word may open a clause of its own: A加上B，每吨合计多少)."""
    parts = [p.strip() for p in re.split(r"[，,：:？?。！!；;]", question[:at])]
    return [p for p in parts[-2:][::-1] if p]


def _items(segment: str) -> list[str]:
    return [i.strip(" “”\"") for i in _JOIN.split(segment) if i.strip(" “”\"")]


def listed_items(question: str) -> list[str]:
    """The items the question lists before its “in total” word (at least two, else none)."""
    m = TOTAL.search(question)
    if m is None:
        return []
    return next((items for seg in _segments(question, m.start()) if len(items := _items(seg)) >= 2), [])


def compared_items(question: str) -> list[str]:
    """The two things a question compares (A比B多, 从A到B增加, A和B相差), else none."""
    for comparison in (_FROM_TO, _THAN):
        m = comparison.search(question)
        if m and all(g.strip() for g in m.groups()):
            return [g.strip(" “”\"") for g in m.groups()]
    m = DIFFERENCE.search(question)
    if m is None:
        return []
    return next((items for seg in _segments(question, m.start()) if len(items := _items(seg)) == 2), [])


def stated_figures(c: Composer, passages: tuple[RetrievedChunk, ...]) -> list[Stated]:
    """Every figure of the first passages, each with the words between it and the figures
    on either side of it in its clause (1500元的实习补贴和每人每月350元的住宿补贴: 住宿补贴 goes
    with 350元), and table cells' values with their row's words."""
    found: list[Stated] = []
    figure = c.vocab.any_figure
    for rc in passages[:TOP]:
        for s in sentences(rc.chunk.text):
            for clause in clauses(s):
                spans = sorted({m.span() for p in (figure, _COUNTED) if p is not None for m in p.finditer(clause)})
                spans = [sp for sp in spans if not any(o[0] <= sp[0] and sp[1] <= o[1] and o != sp for o in spans)]
                spans += [m.span(1) for m in _CELL.finditer(clause) if not any(a <= m.start(1) < b for a, b in spans)]
                spans.sort()
                for k, (a, b) in enumerate(spans):
                    left = spans[k - 1][1] if k else 0
                    right = spans[k + 1][0] if k + 1 < len(spans) else len(clause)
                    found.append(Stated(rc.chunk, clause[a:b], clause[left:a] + clause[b:right], s))
    return found


def _share(words: set[str], st: Stated) -> float:
    """The share of an item's words next to a figure, those only elsewhere in its sentence
    counting half (a table row's name for the value of one of its cells)."""
    return round(sum(1.0 if w in st.around else 0.5 if w in st.sentence else 0.0 for w in words) / len(words), 3)


def label(item: str, st: Stated) -> str:
    """What to call an item's figure: the longest piece of the item's words written next to
    it (住宿补贴每月加一块儿 → 住宿补贴), else in its sentence, else the item as asked."""
    for text in (st.around, st.sentence):
        pieces = [item[i:j] for i in range(len(item)) for j in range(i + 2, len(item) + 1) if item[i:j] in text]
        if pieces:
            return max(pieces, key=len)
    return item


def _pick(c: Composer, question: str, items: list[str], stated: list[Stated]) -> list[Stated] | None:
    """For each item, one of the figures whose words hold the largest share of the item's.
    Among those, the figures that go together win (one unit, then one sentence: 2023年…4名，
    2025年…4.66名), then those with more of the question's other words around them and in
    their sentence (原粮…保管费和轮换价差补贴: the 价差补贴 of 原粮, not of 食用植物油). None when
    an item has no figure, or the words cannot tell which figures are meant."""
    q = c.scorer.qtokens(question)
    near = {k: (c.scorer.overlap(q, st.around), c.scorer.overlap(q, st.sentence)) for k, st in enumerate(stated)}
    best: list[list[int]] = []
    for item in items:
        words = {t for t in c.scorer.tokenize(item) if len(t) >= 2} or {item}
        shares = {k: _share(words, st) for k, st in enumerate(stated)}
        top = max(shares.values(), default=0.0)
        if top < MATCH:
            return None  # no figure goes with this item
        best.append(sorted((k for k, v in shares.items() if v == top), key=lambda k: near[k], reverse=True)[:4])

    def fit(way: tuple[int, ...]) -> tuple[float, ...]:
        chosen = [stated[k] for k in way]
        return (-len({unit_of_figure(st.figure) for st in chosen}), -len({st.sentence for st in chosen}),
                round(sum(near[k][0] for k in way), 3), round(sum(near[k][1] for k in way), 3))

    ways = [w for w in product(*best) if len(set(w)) == len(w)]
    if not ways:
        return None
    top_fit = max(fit(w) for w in ways)
    ways = [w for w in ways if fit(w) == top_fit]
    if len({tuple(number(stated[k].figure) for k in w) for w in ways}) > 1:
        return None
    return [stated[k] for k in ways[0]]


def items_total(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    items = listed_items(question)
    compared = [] if items else compared_items(question)
    figure = c.vocab.any_figure
    if not (items or compared) or figure is None:
        return None
    stated = stated_figures(c, passages)
    money = c.figure_pattern("money") if unit_of(question) == "money" else None
    if money is not None:  # 投资多少, 多少钱: amounts, not the projects or the tons next to them
        stated = [st for st in stated if money.match(st.figure)]
    found = _pick(c, question, items or compared, stated)
    if found is None or unsaid_quantity(c, question, [f"{leaf(st.chunk)} {st.sentence}" for st in found], [st.figure for st in found]) is not None:
        return None  # nothing to add up, or figures of something else than the quantity asked
    suffixes = {unit_of_figure(st.figure) for st in found}
    asked = re.search(r"(?:多少|几)(\S{1,2}?)[？?]?$", question)
    if len(suffixes) != 1 or (asked and figure.fullmatch("1" + asked.group(1)) and asked.group(1) not in suffixes and "" not in suffixes):
        return None  # different units, or not the unit asked for
    unit = suffixes.pop()
    allp, pos = with_chunks(passages, [st.chunk for st in found])
    labelled = sorted(((label(item, st), st) for item, st in zip(items or compared, found)), key=lambda x: -float(number(x[1].figure)) if compared else 0)
    if items:
        listed, expression, total, marks = written_sum([(item, st.chunk, st.figure) for item, st in labelled], pos)
        return Draft(c.say("sum", parts=listed, expression=expression, total=total, unit=unit, marks=marks), allp, Intent.AGGREGATE)
    (na, a), (nb, b) = labelled
    text = said_difference(
        c, f"{na}{a.figure}[{pos[a.chunk.id]}]", f"{nb}{b.figure}[{pos[b.chunk.id]}]", a.figure, b.figure,
        "个百分点" if unit in ("%", "％") else unit, "".join(dict.fromkeys(f"[{pos[st.chunk.id]}]" for st in found)),
    )
    return Draft(text, allp, Intent.AGGREGATE)


__all__ = ["compared_items", "items_total", "listed_items", "stated_figures"]
