"""Things a sentence lists and the figures it gives them “respectively” (分别): 对实现“小升规”
“规改股”“股上市”三个目标的企业分别给予10万元、20万元和50万元的奖励 pairs 小升规 with 10万元,
规改股 with 20万元, 股上市 with 50万元. A question that names two or more of those things, or
counts all of them (这三项), asking for their total or their difference, is answered by adding
or subtracting their figures. The list and the figures must be as many; else nothing is paired."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..types import Chunk, RetrievedChunk
from .aggregate import number, said_difference, unit_of_figure, unsaid_quantity, written_sum
from .compose import Composer, Draft, with_chunks
from .scoring import sentences
from .understanding import DIFFERENCE, TOTAL, Intent
from .vocabulary import leaf

RESPECTIVELY = "分别"
#: quoted names standing side by side (“小升规”“规改股”、“股上市”)
_QUOTED_RUN = re.compile(r"(?:[“\"][^”\"]{1,16}[”\"][、和及与或]{0,2}){2,}")
_QUOTED = re.compile(r"[“\"]([^”\"]{1,16})[”\"]")
#: what may separate two figures of one list (10万元、20万元和50万元)
_BETWEEN = re.compile(r"[、，,]?(?:和|及|与|或|以及)?")
#: what leads the first item of a 、-list (评定为国家级、省级…)
_LEADS = re.compile(r"为|对|按|将|把|是|被|给|在|的|：|:")
_LEAD = re.compile(rf".*(?:{_LEADS.pattern})")  # everything up to the last of them
#: counting words a question may use for every item of the list (这三项, 三个, 3项)
_CHINESE_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_COUNT = re.compile(r"([两二三四五六七八九十]|\d+)(?:项|个|步|种|类|档|级|笔|样)")
#: passages searched
TOP = 3


class Paired(NamedTuple):
    chunk: Chunk
    items: tuple[str, ...]
    figures: tuple[str, ...]


def _listed(before: str, n: int) -> list[str]:
    """The ``n`` things listed last before 分别: quoted names side by side, else the 、-list
    after the last word that leads one (党委、政府…部门评定为国家级、省级、市级载体: 国家级, 省级,
    市级), when it has ``n`` items."""
    quoted = list(_QUOTED_RUN.finditer(before))
    if quoted:
        return _QUOTED.findall(quoted[-1].group(0))
    clause = next((p for p in reversed(re.split(r"[，,；;。]", before)) if p.strip()), "")
    if "、" in clause:
        lead = [m.end() for m in _LEADS.finditer(clause) if "、" in clause[m.end():]]
        items = clause[lead[-1] if lead else 0:].split("、")  # …部门评定为国家级、省级: the list after 为
    else:
        items = [clause]  # A和B
    last = re.split(r"和|及|与", items[-1])
    if len(last) == 2 and len(items) < n:  # A、B和C: the last two are joined by 和
        items = [*items[:-1], *last]
    if len(items) != n:
        return []
    middle = items[1:-1]
    items[0] = _LEAD.sub("", items[0])
    # the last item ends as the others do (国家级、省级、市级港澳…载体; 国家级和省级“专精特新”企业)
    before_last = middle or items[:1]
    tail = before_last[0][-1:]
    if tail and all(m.endswith(tail) for m in before_last) and tail in items[-1]:
        items[-1] = items[-1][: items[-1].index(tail) + 1]
    if middle:
        items[0] = items[0][-max(len(m) for m in middle) - 2:] if len(items[0]) > max(len(m) for m in middle) + 2 else items[0]
    items = [i.strip(" “”\"") for i in items]
    return items if all(items) else []


def _figures(after: str, figure: re.Pattern[str]) -> list[str]:
    """The first run of figures after 分别 that only 、/和 separate (10万元、20万元和50万元),
    with at most a few words before the first one (分别给予每家80万元…)."""
    found = list(figure.finditer(after))
    if not found or found[0].start() > 8:
        return []
    run = [found[0]]
    for m in found[1:]:
        if not _BETWEEN.fullmatch(after[run[-1].end():m.start()]):
            break
        run.append(m)
    return [m.group(0) for m in run]


def paired(sentence: str, figure: re.Pattern[str]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The things of ``sentence`` and their figures, in order, when it gives them respectively."""
    at = sentence.find(RESPECTIVELY)
    if at < 0:
        return None
    figures = _figures(sentence[at + len(RESPECTIVELY):], figure)
    items = _listed(sentence[:at], len(figures)) if len(figures) >= 2 else []
    if len(items) < 2 or len(items) != len(figures) or len({unit_of_figure(f) for f in figures}) != 1:
        return None
    return tuple(items), tuple(figures)


def _counted(question: str) -> int | None:
    m = _COUNT.search(question)
    if m is None:
        return None
    return int(m.group(1)) if m.group(1).isdigit() else _CHINESE_COUNT[m.group(1)]


def _names(question: str, item: str) -> bool:
    """Does the question name the item, or its end of two characters or more (获得金奖: 金奖)?"""
    return any(item[i:] in question for i in range(len(item) - 1))


def chosen(question: str, pairs: Paired) -> list[int]:
    """The positions of the things the question names (at least two), or of all of them when
    it names none and counts as many as the list has (这三项奖励加起来)."""
    named = [k for k, item in enumerate(pairs.items) if _names(question, item)]
    if len(named) >= 2:
        return named
    if named:  # one of them and something else (国家级中心, 又认定为高新技术企业，两项加起来): not this list's
        return []
    return list(range(len(pairs.items))) if _counted(question) == len(pairs.items) and TOTAL.search(question) else []


def respective(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    total, compare = TOTAL.search(question), DIFFERENCE.search(question)
    figure = c.vocab.any_figure
    if figure is None or not (total or compare):
        return None
    for rc in passages[:TOP]:
        for s in sentences(rc.chunk.text):
            found = paired(s, figure)
            if found is None:
                continue
            pairs = Paired(rc.chunk, *found)
            which = chosen(question, pairs)
            if len(which) < 2 or (compare and not total and len(which) != 2):
                continue
            if unsaid_quantity(c, question, [f"{leaf(rc.chunk)} {s}"], pairs.figures) is not None:
                continue  # figures of something else than the quantity asked
            allp, pos = with_chunks(passages, [rc.chunk])
            unit = unit_of_figure(pairs.figures[0])
            marks = f"[{pos[rc.chunk.id]}]"
            if total:
                listed, expression, result, _ = written_sum([(pairs.items[k], rc.chunk, pairs.figures[k]) for k in which], pos)
                return Draft(c.say("sum", parts=listed, expression=expression, total=result, unit=unit, marks=marks), allp, Intent.AGGREGATE)
            a, b = sorted(which, key=lambda k: -float(number(pairs.figures[k])))
            text = said_difference(c, f"{pairs.items[a]}{pairs.figures[a]}{marks}", f"{pairs.items[b]}{pairs.figures[b]}{marks}",
                                   pairs.figures[a], pairs.figures[b], "个百分点" if unit in ("%", "％") else unit, marks)
            return Draft(text, allp, Intent.AGGREGATE)
    return None


__all__ = ["RESPECTIVELY", "chosen", "paired", "respective"]
