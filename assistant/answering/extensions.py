"""A time limit and its extension: “审核最长要多少个工作日？” over “应当自受理之日起15个工作日内
完成审核，有特殊情况的，可以延长10个工作日” is answered with that sentence and
``15+10=25个工作日``, written out so that the verification checks it. The limit is the last
figure of the extension's unit that a 内 follows (15个工作日内), before the extension in its
sentence or, failing that, in the sentence before it (应当在3个工作日内予以登记。情形复杂的，…可以
再延长3个工作日). Only a question that asks a longest or total length of time gets it, not one
that asks the extension itself (可以延长多少天); the sentence is the one holding most of the
question's words, the first passage winning a tie (:func:`.terms.best_sentence`)."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..text import CN_DIGITS, CN_OR_DIGITS, TIME_UNITS, cn_number
from ..types import RetrievedChunk
from .compose import Composer, Draft
from .scoring import end
from .terms import best_sentence
from .understanding import TOTAL, Intent, asked_measure

#: units of time that count the same as another (日 and 天, 个工作日 and 工作日)
_SAME = {"个工作日": "工作日", "天": "日"}
_FIGURE = rf"({CN_OR_DIGITS})({'|'.join(TIME_UNITS)})"
#: the extension (可以延长10个工作日, 可再延长三十日, 延长期限最长不超过30日)
_EXTENSION = re.compile(rf"延长(?:期限)?(?:最长|最多)?(?:不得?超过|为)?{_FIGURE}")
#: a limit within which something is done (15个工作日内, 三十日以内)
_LIMIT = re.compile(rf"(?<![\d{CN_DIGITS}两十])(?:{_FIGURE})(?:以|之)?内")
#: a question for the longest or whole length of time
_LONGEST = re.compile(r"最长|最多|最久|最晚")
#: a question for the extension alone (可以延长多少天, 延长期是多久)
_EXTENSION_ASKED = re.compile(r"延长(?:了|期|期限|时间)?(?:是|为|有)?(?:多少|几|多久|多长)")


class Extended(NamedTuple):
    limit: str  # as written: 15, 三十
    extension: str
    unit: str  # as written after the extension: 个工作日, 日
    total: int


def _kind(unit: str) -> str:
    """What a unit of time counts as (天 → 日)."""
    return _SAME.get(unit, unit)


def extended(text: str, before: str = "") -> Extended | None:
    """The limit of ``text`` (or, when it states none before its extension, of ``before``, the
    sentence preceding it) and its extension in the same unit, or None."""
    ext = _EXTENSION.search(text)
    if ext is None:
        return None
    number, unit = ext.group(1), ext.group(2)
    same = [m for m in _LIMIT.finditer(text[: ext.start()]) if _kind(m.group(2)) == _kind(unit)]
    if not same:
        same = [m for m in _LIMIT.finditer(before) if _kind(m.group(2)) == _kind(unit)]
    if not same:
        return None
    limit = same[-1].group(1)
    a, b = cn_number(limit), cn_number(number)
    if a is None or b is None:
        return None
    return Extended(limit, number, unit, a + b)


def _unit_of(measure: str) -> str:
    """The unit of time a measure asked ends with (多个工作日 → 个工作日), or the measure."""
    return next((u for u in TIME_UNITS if measure.endswith(u)), measure)


def extended_limit(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    if not (_LONGEST.search(question) or TOTAL.search(question)) or _EXTENSION_ASKED.search(question):
        return None
    measure = asked_measure(question)

    def read(sentence: str, before: str) -> list[tuple[str, Extended]]:
        own = extended(sentence)  # the limit in the sentence itself, else in the one before: quoted too
        got = own or (extended(sentence, before) if before else None)
        if got is None or (measure and _kind(_unit_of(measure)) != _kind(got.unit)):
            return []
        return [(sentence if own else end(before) + "。" + sentence, got)]

    best = best_sentence(c, question, passages, read)
    if best is None:
        return None
    pos, chunk, text, got = best
    assert isinstance(got, Extended)
    mark = f"[{pos + 1}]"
    computed = c.say("extended", expression=f"{cn_number(got.limit)}+{cn_number(got.extension)}", total=got.total,
                     unit=got.unit, mark=mark)
    return Draft(f"{c.lead(chunk, text)}{mark}。{computed}", passages, Intent.AGGREGATE)


__all__ = ["Extended", "extended", "extended_limit"]
