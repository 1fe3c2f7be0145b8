"""Two figures compared by their sides (个人危害设施的最高罚款比个人妨碍运行的最高罚款多多少钱,
A和B的起付标准相差多少): each side is looked up on its own, in the part of a clause of the
first passages that states one figure of the kind asked and holds a word of that side the
other side lacks, and the two figures are subtracted, written out from the quoted figures so
that the verification checks it. A part that states a range (二百元以上一千元以下) gives its
upper figure to a side asking the highest (最高, 上限), its lower one to a side asking the
lowest, and no figure otherwise."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lexicon import pattern
from ..types import RetrievedChunk
from .aggregate import aggregate, in_magnitude, number, said_difference, stated_figures, unit_of_figure
from .compose import Composer, Draft
from .scoring import clauses, end, sentences
from .spread import spread
from .understanding import Intent, measure_named, unit_of
from .vocabulary import leaf

#: A比B多/少/高…多少: the two sides (not 最高 of A的最高罚款比B的最高罚款多多少)
_THAN = re.compile(r"^(?P<a>.+?)比(?P<b>.+?)(?<!最)(?:多|少|高|低|长|短|早|晚|大|小|贵|便宜)(?:出|了)?[^，。？?]{0,6}?(?:多少|几)")
#: A和B(相比)…相差多少: the two sides, then the quantity they share
_APART = re.compile(r"^(?P<a>.+?)(?:和|与|跟|同)(?P<b>.+?)(?:相比)?[，,]?(?P<q>[^，,]*?)(?:相差|差距|差)(?:是|有)?(?:多少|几)")
_HIGHEST, _LOWEST = pattern("range_highest"), pattern("range_lowest")
#: the first passages a side's figure is looked for in
_PASSAGES = 5

Found = tuple[float, int, str, str]  # (score, passage position, the part stating it, figure)


def aggregate_or_compared(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """A total or difference over sections or clauses (:func:`.aggregate.aggregate`), else
    the difference of the figures of the two sides of a comparison."""
    draft = aggregate(c, question, passages, query_vector)
    if draft is None or draft.intent is Intent.NOT_STATED:
        return compared(c, question, passages) or spread(c, question, passages) or draft
    return draft


def compared(c: Composer, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
    """The difference of the figures the two sides of a comparison ask for, or None."""
    sides = _sides(question)
    wanted = _wanted(c, question)
    if sides is None or wanted is None:
        return None
    scene, *compared_sides = sides
    tokens = [{t for t in c.scorer.qtokens(side) if len(t) >= 2} for side in compared_sides]
    found = [_side_figure(c, scene + side, own - other, other - own, wanted, passages, question)
             for side, own, other in ((compared_sides[0], tokens[0], tokens[1]), (compared_sides[1], tokens[1], tokens[0]))]
    if None in found:
        return None
    (_, pa, ca, fa), (_, pb, cb, fb) = sorted(found, key=lambda f: -float(number(f[3])))  # type: ignore[index]
    if unit_of_figure(fa) != unit_of_figure(fb) or (ca, fa) == (cb, fb) or number(fa) == number(fb):
        return None
    if ca == cb:
        ca, cb = fa, fb
    fa, fb = in_magnitude(fa, fb)
    unit = unit_of_figure(fa)
    shown = "个百分点" if unit in ("%", "％") else unit
    marks = "".join(dict.fromkeys(f"[{p + 1}]" for p in (pa, pb)))
    return Draft(said_difference(c, f"{ca}[{pa + 1}]", f"{cb}[{pb + 1}]", fa, fb, shown, marks), passages, Intent.AGGREGATE)


def _sides(question: str) -> tuple[str, str, str] | None:
    """The clauses that set the scene for both sides (在重点管理区，…), then the two sides
    compared, each with the quantity asked when they share it after them."""
    m = _THAN.search(question)
    if m is not None:
        a, b = m.group("a").strip("，, "), m.group("b").strip("，, ")
    elif (m := _APART.search(question)) is not None:
        a, b = m.group("a") + m.group("q"), m.group("b") + m.group("q")
    else:
        return None
    *scene, a = re.split(r"[，,]", a)
    return "，".join(scene), a, b


def _wanted(c: Composer, question: str) -> re.Pattern[str] | None:
    """The figures a side may be answered by: of the kind the question asks (多多少钱), else
    those a difference is taken over (:func:`.aggregate.stated_figures`; in the measure it
    names, 多多少公里, as :func:`_in_measure` checks)."""
    unit = unit_of(question)
    if unit == "money":
        return c.figure_pattern(unit)
    if unit is None or measure_named(question):
        return stated_figures(c, question)
    return None


def _in_measure(figure: str, measure: str | None) -> bool:
    """Is a figure in the measure the question names (公里 of 多多少公里), if it names one?"""
    return measure is None or unit_of_figure(figure).startswith(measure)


def _parts(clause: str, wanted: re.Pattern[str]) -> list[str]:
    """A clause, or its 、-items when it states several figures each of its own (五十米、二百米)."""
    items = clause.split("、")
    if len(wanted.findall(clause)) > 1 and len(items) > 1 and all(len(wanted.findall(i)) <= 1 for i in items):
        return items
    return [clause]


def _side_figure(
    c: Composer, side: str, marks: set[str], others: set[str], wanted: re.Pattern[str], passages: Sequence[RetrievedChunk], question: str,
) -> Found | None:
    """The best part stating the figure a side asks for, with a word of the side its sentence
    or section holds (and more of its own words than of the other side's in the part itself)."""
    if not marks:
        return None
    q = c.scorer.qtokens(side)
    measure = measure_named(question)
    best: Found | None = None
    for pos, rc in enumerate(passages[:_PASSAGES]):
        section = leaf(rc.chunk) or rc.chunk.section
        head = ""  # the sentences before, cut off at ；or ： (在…开矿等开采活动的；或者…的，并处…罚款)
        for s in sentences(rc.chunk.text):
            said = head + s
            head = said if s.endswith(("；", "：", ";", ":")) and not wanted.search(s) else ""
            if not any(m in said or m in section for m in marks):
                continue
            base = c.scorer.overlap(q, said) + 0.5 * c.scorer.overlap(q, section) + 0.4 / (pos + 1)
            first = wanted.search(said)
            condition = said[: first.start()] if first else said  # the case of every figure of the sentence
            lead = ""
            for clause in clauses(s):
                for part in _parts(end(clause), wanted):
                    figures = list(dict.fromkeys(m.group(0) for m in wanted.finditer(part) if _in_measure(m.group(0), measure)))
                    if not figures:
                        lead += part
                        continue
                    figure = _figure_of(side, figures, question)
                    if figure is None:
                        continue
                    # its own words anywhere in its case; the other side's only in the part
                    # itself (对单位…, where 对个人… is asked): a case both sides share
                    # (危害…的，对单位…，对个人…) tells neither from the other
                    case = condition + lead + part
                    own, other = sum(m in case for m in marks), sum(m in lead + part for m in others)
                    score = base + 0.3 * (own - other) + 0.3 * c.scorer.overlap(q, part)
                    if best is None or score > best[0]:
                        best = (score, pos, part, figure)
                    lead = ""
    return best


def _figure_of(side: str, figures: list[str], question: str) -> str | None:
    """The one figure of a part a side asks for: its only one, else the highest or lowest
    one of a range when the side (or the question) asks for it."""
    if len(figures) == 1:
        return figures[0]
    if len({unit_of_figure(f) for f in figures}) != 1:
        return None
    values = sorted(figures, key=lambda f: float(number(f)))
    if _HIGHEST.search(side) or (_HIGHEST.search(question) and not _LOWEST.search(side)):
        return values[-1]
    if _LOWEST.search(side) or _LOWEST.search(question):
        return values[0]
    return None


__all__ = ["aggregate_or_compared", "compared"]
