"""Bands of a scale. A question that states an amount of its own (罚了8万块, 存了8个月)
asked of passages that state a scale of bands in that unit (15万元以下的…；15万元以上的，
50万元以下的…) is answered with the band that holds the amount, not with whichever band
shares most words with it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..lexicon import unit_table
from ..types import Chunk, RetrievedChunk
from .aggregate import plain
from .compose import Composer, Draft, with_chunks
from .rates import applied as per_unit_applied
from .scoring import sentences
from .understanding import Intent

#: how a citizen writes a unit a document writes otherwise (8万块 = 8万元, 80平米 = 80平方米)
SPOKEN_UNITS = {"块钱": "元", "块": "元", "元钱": "元", "平米": "平方米", "月": "个月", "天": "日", "周岁": "岁"}
_MAGNITUDE = {"": 1, "千": 1000, "万": 10_000, "亿": 100_000_000}
#: the bound words of a band, after its figure (15万元以上) or before it (超过15万元)
_AFTER_LOWER, _AFTER_UPPER = r"(?:及|或)?以上", r"(?:及|或)?(?:以下|以内)"
#: (不得超过 is an upper bound: 超过 without 不/得 before it is a lower one; 100亩及以上至500亩 is a range)
_BEFORE_LOWER = r"(?<![不得])超过|(?<![不得])高于|不低于|不少于|不得低于|不得少于|(?<![不未])满"
_BEFORE_UPPER = r"不足|(?<![不得])低于|(?<![不得])少于|不超过|不得超过|不高于|不满|未满|(?<=以上)至"


@dataclass(frozen=True)
class Band:
    low: Decimal | None
    high: Decimal | None

    def holds(self, value: Decimal) -> bool:
        # a value on a bound counts for the band above it (以上 includes its number: 15万元以上)
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)

    def is_range(self, low: Decimal, high: Decimal) -> bool:
        return self.low == low and self.high == high


def _units() -> list[str]:
    """The units a band or an amount may be written in: the kinds' units, and the spoken ones."""
    kinds = ("money", "length", "area", "people", "time", "percent")
    table = unit_table()
    found = {u for k in kinds for u in table.get(k, ()) if not u.startswith(("亿", "万", "千")) and not u.startswith("个百")}
    found |= {"吨", "岁", "日", "年"} | set(SPOKEN_UNITS)
    return sorted(found, key=len, reverse=True)


_UNIT = "|".join(re.escape(u) for u in _units())
_AMOUNT = rf"(\d+(?:\.\d+)?)\s*([千万亿]?)\s*({_UNIT})"
_IN_QUESTION = re.compile(rf"(?<![\d.年]){_AMOUNT}(?!以[上下内])")
_AFTER = re.compile(rf"(?<![\d.]){_AMOUNT}({_AFTER_LOWER}|{_AFTER_UPPER})")
_BEFORE = re.compile(rf"({_BEFORE_LOWER}|{_BEFORE_UPPER})(?<![\d.]){_AMOUNT}")


#: characters that name no measure around an amount (罚了8万, 金额在15万元以上)
_FRAME = set("了的在是为我你他她被把给就都也还要能可这那个按")


def _measure(text: str, at: int) -> set[str]:
    """The characters of what an amount at ``at`` measures: its clause up to it (罚款金额在 →
    罚款金额; 油料：储存 → 油料储存, the good and its measure)."""
    clause = re.split(r"[，,。；;？?！!、\n]", text[:at])[-1]
    return {ch for ch in clause if "\u4e00" <= ch <= "\u9fff" and ch not in _FRAME}


def _same_measure(question: str, sentence: str, unit: str) -> bool:
    """The question's amount and the band measure the same thing: what stands before them
    shares a character (罚了8万 and 罚款金额在15万元以上; 存了8个月 and 储存6个月以上)."""
    asked = set().union(*(_measure(question, m.start()) for m in _IN_QUESTION.finditer(question)))
    bound = set().union(*(_measure(sentence, at) for at, _, _ in _bounds(sentence, unit)))
    return bool(asked & bound)


def _unit(written: str) -> str:
    return SPOKEN_UNITS.get(written, written)


def _value(number: str, magnitude: str) -> Decimal:
    return Decimal(number) * _MAGNITUDE[magnitude]


def amounts(question: str) -> list[tuple[Decimal, str]]:
    """The amounts a question states, with their units as documents write them; not years."""
    return [(_value(n, m), _unit(u)) for n, m, u in _IN_QUESTION.findall(question) if not (u == "年" and len(n) == 4)]


def _bounds(sentence: str, unit: str) -> list[tuple[int, Decimal, bool]]:
    """The bounds of ``unit`` a sentence states: (where it starts, its value, whether it is a
    lower bound), written after the figure (15万元以上) or before it (超过15万元)."""
    after = [(m.start(), _value(n, mag), "上" in bound) for m in _AFTER.finditer(sentence)
             for n, mag, written, bound in [m.groups()] if _unit(written) == unit]
    before = [(m.start(), _value(n, mag), re.fullmatch(_BEFORE_LOWER, bound) is not None) for m in _BEFORE.finditer(sentence)
              for bound, n, mag, written in [m.groups()] if _unit(written) == unit]
    return after + before


def band(sentence: str, unit: str) -> Band | None:
    """The band of ``unit`` a sentence states (罚款金额在15万元以上的，50万元以下的 → [15万, 50万)), or None."""
    low = high = None
    for _, value, lower in _bounds(sentence, unit):
        low, high = (value, high) if lower else (low, value)
    return None if low is None and high is None else Band(low, high)


#: a band's rate of the amount itself: 按罚款金额的3%奖励, 按项目投资额的30%给予补贴
_RATE_OF = re.compile(r"按[^，。；%]{0,12}?的(\d+(?:\.\d+)?)%")


def _applied(c: Composer, question: str, sentence: str, mark: str) -> str:
    """The band's one rate applied to the question's amount (400万元×3%=12万元), or its one
    price per unit (600亩×200元/亩=120000元), or ""."""
    rates = _RATE_OF.findall(sentence)
    written = _IN_QUESTION.findall(question)
    if not rates:
        return per_unit_applied(c, question, sentence, mark)
    if len(rates) != 1 or len(written) != 1:
        return ""
    number, magnitude, unit = written[0]
    result = plain(Decimal(number) * Decimal(rates[0]) / 100)
    amount = f"{number}{magnitude}{_unit(unit)}"
    return c.say("rate", amount=amount, rate=f"{rates[0]}%", result=result, unit=f"{magnitude}{_unit(unit)}", mark=mark)


def _named(c: Composer, question: str, hits: list[tuple[Chunk, str]]) -> list[tuple[Chunk, str]]:
    """Of bands of several goods that hold the amount, those whose good (the nearest word of
    the question before the band, on its line) the question names: the nearest ones."""
    words = [t for t in c.scorer.qtokens(question) if len(t) >= 2 and not all(t in s for _, s in hits)]

    def distance(hit: tuple[Chunk, str]) -> float:
        chunk, sentence = hit
        line = next((ln for ln in chunk.text.split("\n") if sentence in ln), sentence)
        before = line[: line.index(sentence)] if sentence in line else ""
        if any(t in sentence for t in words):
            return 0
        ends = [before.rfind(t) + len(t) for t in words if t in before]
        return len(before) - max(ends) if ends else float("inf")

    far = {hit: distance(hit) for hit in hits}
    best = min(far.values())
    return [] if best == float("inf") else [hit for hit in hits if far[hit] == best]


def scale(chunks: Sequence[Chunk], unit: str) -> list[tuple[Chunk, str, Band]]:
    """The sentences of a section (its chunks, in order) that state a band of ``unit``; a
    sentence is also cut at a half-width semicolon (…（不得按年叠加）;食用植物油：储存6个月以内的…)."""
    parts = [(ch, p) for ch in chunks for s in sentences(ch.text) for p in re.split(r"(?<=;)", s) if p.strip()]
    return [(ch, p, b) for ch, p in parts if (b := band(p, unit)) is not None]


def banded(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """The band that holds the question's amount (or that is the range it names), from the
    section of a passage that states a scale of at least two bands of that unit (a scale's
    list may run over several chunks); None when no section does, or when the amount falls
    in no band or in every one."""
    stated = amounts(question)
    if not stated or len({u for _, u in stated}) != 1 or len(stated) > 2:
        return None
    unit = stated[0][1]
    values = sorted(v for v, _ in stated)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for rc in passages:
        section = c.vocab.section_chunks(rc.chunk)
        if (key := (rc.chunk.source, rc.chunk.section_path)) in seen:
            continue
        seen.add(key)
        bands = scale(section, unit)
        if len(bands) < 2:
            continue  # one bound (补贴不超过2000元) is a limit, not a scale
        if len(values) == 2:
            hits = [(ch, s) for ch, s, b in bands if b.is_range(values[0], values[1])]
        else:
            hits = [(ch, s) for ch, s, b in bands if b.holds(values[0])]
        if not hits or len(hits) == len(bands):
            continue
        if len(hits) > 1:  # several goods on one scale (原粮…；食用植物油…): the one the question names
            hits = _named(c, question, hits)
            if len(hits) != 1:
                return None
        chunk, sentence = hits[0]
        if not _same_measure(question, sentence, unit):
            continue  # 买了5000元的冰箱 is no fine of 5000元
        allp, at = with_chunks(passages, [chunk])
        mark = f"[{at[chunk.id]}]"
        text = f"{c.lead(chunk, sentence)}{mark}。"
        if len(stated) == 1 and (applied := _applied(c, question, sentence, mark)):
            text += applied
        return Draft(text, allp, Intent.FIGURE)
    return None


__all__ = ["Band", "amounts", "band", "banded", "scale"]
