"""Citations: ``[n]`` markers, their resolution to passages, and figure verification.

Every figure in an answer (Arabic numbers with their decimals and percentages, and
Chinese counted numerals such as 七个、五大、两大) must appear verbatim in a passage
cited by the sentence it stands in. A figure computed by the answer itself is accepted
only inside an explicit sum ``a+b+…=c``, quotient ``a÷b≈c`` (``≈c%`` for a share) or rate
``a×b%=c`` whose operands are verified (for a rate, ``a`` may be the question's own
amount: 罚款400万元 × the passage's 3%) and whose result is right as rounded, a price per
unit or an amount per period over a term (``3000千瓦时×1.2元/千瓦时=3600元``, ``3000元×2年=6000元``),
the days of a verified date range (``4月1日至6月20日共81天``), the days or months between two
verified dates (``2017年11月30日至2018年3月1日相隔91天``, ``…相隔91天，首尾两天都算共92天``), or the count of a list that follows
it with a marker on every item (``共5个方面：组织领导[1]、…``), so a reader can check it.
A length of time a passage writes in words (三十日, 十五个工作日) verifies the same figure in
digits (30, 15), which a sum may add.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .lexicon import all_units, longest_first, pattern
from .text import CN_NUMERAL, COUNT_WORDS, TIME_UNITS, cn_number
from .types import Citation, RetrievedChunk

MARKER = re.compile(r"\[(\d{1,3})\]")  # [1] … [999]; not a bracketed year such as [2024]
_ARABIC = re.compile(r"\d+(?:\.\d+)?%?")
_CN_DIGITS = "一二两三四五六七八九十百千"
_CN_NUMERAL = re.compile(rf"(?<![唯统同单第逐之某万{_CN_DIGITS}])[{_CN_DIGITS}]+[个项大方类条次种批](?![目性])")
_SUM = re.compile(r"((?:\d+(?:\.\d+)?\s*[+\-−]\s*)+\d+(?:\.\d+)?)\s*=\s*(\d+(?:\.\d+)?)")
_QUOTIENT = re.compile(r"(\d+(?:\.\d+)?)\s*÷\s*(\d+(?:\.\d+)?)\s*[≈=]\s*(\d+(?:\.\d+)?)(%?)")
#: a rate applied to an amount: 400万元×3%=12万元 (the amount's magnitude and unit on both sides)
_PRODUCT = re.compile(r"(\d+(?:\.\d+)?)([千万亿]?[\u4e00-\u9fff]{0,2})×(\d+(?:\.\d+)?)%\s*[=≈]\s*(\d+(?:\.\d+)?)\2")
#: a price per unit applied to an amount in that unit: 3000千瓦时×1.2元/千瓦时=3600元
_PER_UNIT = re.compile(r"(\d+(?:\.\d+)?)([\u4e00-\u9fff]{1,4})×(\d+(?:\.\d+)?)([千万]?元)[/／]\2\s*=\s*(\d+(?:\.\d+)?)\4")
#: an amount per period over a term of such periods: 3000元×2年=6000元 (每年3000元，最长2年)
_OVER_TERM = re.compile(r"(\d+(?:\.\d+)?)([千万亿]?元)×(\d+)(?:年|个月)\s*=\s*(\d+(?:\.\d+)?)\2")
#: a range of two dates of one year (4月1日至6月20日) and, in an answer, the days it lasts (共81天)
DATE_RANGE = pattern("date_range")
_SPAN = re.compile(rf"(?:{DATE_RANGE.pattern})共(?P<days>\d+)天")
#: the time between two dates, in an answer: 2017年11月30日至2018年3月1日相隔91天(，首尾两天都算共92天), 相隔3个月
_DAY = r"(?:(?:19|20)\d\d年)?\d{1,2}月\d{1,2}日"
_GAP = re.compile(rf"(?P<a>{_DAY})至(?P<b>{_DAY})(?P<through>（含当日）)?相隔(?P<n>\d+)(?P<unit>天|个月|年)(?:(?P<more>\d+)个月)?(?:，首尾两天都算共(?P<both>\d+)天)?")
#: what belongs to a sentence after its end mark: closing quotes or brackets and the markers (。”[1])
SENTENCE_TAIL = r"[”’」』）)]*(?:\[\d{1,3}\])*"
#: a sentence: up to its end mark, with its tail
_SENTENCE = re.compile(rf"[^。！？；\n]*(?:[。！？；]{SENTENCE_TAIL}|\n|$)")


def figures(text: str) -> list[str]:
    """The figures a reader would check: 12.74, 2035, 25, 58.6%, 七个 → 七 …"""
    plain = MARKER.sub(" ", text)
    return _ARABIC.findall(plain) + _CN_NUMERAL.findall(plain)


@dataclass(frozen=True)
class Verification:
    ok: bool
    unverified: tuple[str, ...] = ()
    dangling: tuple[int, ...] = ()  # markers that point to no passage

    @property
    def problem(self) -> str:
        parts = []
        if self.unverified:
            parts.append("未核实的数字 unverified figures: " + "、".join(self.unverified))
        if self.dangling:
            parts.append("无效引用 dangling markers: " + "、".join(f"[{n}]" for n in self.dangling))
        return "；".join(parts)


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def decimals(number: str) -> int:
    """Digits after the point of a written number (12.74 → 2, 14 → 0)."""
    return len(number.split(".")[1]) if "." in number else 0


def rounded(value: Decimal, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals, as a reader rounds (0.585 → 0.59)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _sums_ok(sentence: str, verified: set[str]) -> tuple[set[str], bool]:
    """Figures produced by a correct explicit sum or difference of verified operands."""
    produced: set[str] = set()
    for m in _SUM.finditer(sentence):
        expr = m.group(1).replace("−", "-")
        operands = re.findall(r"\d+(?:\.\d+)?", expr)
        if not all(op in verified for op in operands):
            return produced, False
        signs = ["+"] + re.findall(r"[+\-]", expr)
        total = sum(Decimal(op) * (1 if sign == "+" else -1) for sign, op in zip(signs, operands))
        if Decimal(m.group(2)) != total:  # exact: 12.74-2.64 is 10.10 or 10.1, never 10.2 or ≈10
            return produced, False
        produced.add(m.group(2))
    return produced, True


def _quotients_ok(sentence: str, verified: set[str]) -> tuple[set[str], bool]:
    """Figures produced by a correct explicit quotient of verified operands, rounded as
    written: ``12.74÷14≈0.91``, ``12.74÷21.75≈58.6%`` (a share in per cent)."""
    produced: set[str] = set()
    for m in _QUOTIENT.finditer(sentence):
        a, b, result, percent = m.groups()
        if a not in verified or b not in verified or float(b) == 0:
            return produced, False
        value = Decimal(a) / Decimal(b) * (100 if percent else 1)
        if rounded(value, decimals(result)) != Decimal(result):
            return produced, False
        produced.add(result + percent)
    return produced, True


def days_in(m: re.Match[str]) -> int | None:
    """The days a matched date range lasts, both ends counted (:func:`gap` through its last
    day); None for a range that holds the end of February in a year it does not name (28 or
    29 days), or no range at all."""
    year = f"{m.group('year')}年" if m.group("year") else ""
    span = gap(f"{year}{int(m.group('m1'))}月{int(m.group('d1'))}日", f"{year}{int(m.group('m2'))}月{int(m.group('d2'))}日", through=True)
    return span[0] if span is not None else None


def _spans_ok(sentence: str, verified: set[str]) -> tuple[set[str], bool]:
    """Day counts of a date range whose dates are verified (4月1日至6月20日共81天)."""
    produced: set[str] = set()
    for m in _SPAN.finditer(sentence):
        dates = [m.group(k) for k in ("m1", "d1", "m2", "d2")]
        if any(d not in verified for d in dates) or days_in(m) != int(m.group("days")):
            return produced, False
        produced.add(m.group("days"))
    return produced, True


def gap(a: str, b: str, through: bool = False) -> tuple[int, int, bool] | None:
    """From the date written ``a`` to the later ``b`` (to the end of ``b`` when ``through``):
    the days (2017年11月30日, 2018年3月1日 → 91), the whole months and whether they are exact
    (the same day of the month); None when one names its year and the other does not, or a
    range with no year holds the end of February."""
    parts = [re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日", d) for d in (a, b)]
    if any(p is None for p in parts) or (parts[0][1] is None) != (parts[1][1] is None):  # type: ignore[index]
        return None
    (y1, m1, d1), (y2, m2, d2) = ((int(p[1] or 2001), int(p[2]), int(p[3])) for p in parts)  # type: ignore[index]
    if parts[0][1] is None and (m1, d1) <= (2, 28) < (m2, d2):  # type: ignore[index]
        return None
    try:
        start, end = date(y1, m1, d1), date(y2, m2, d2) + timedelta(days=1 if through else 0)
    except ValueError:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return ((end - start).days, months, end.day == start.day) if end > start else None


def _gaps_ok(sentence: str, verified: set[str]) -> tuple[set[str], bool]:
    """Days, months or years (and months) between two dates whose figures are verified."""
    produced: set[str] = set()
    for m in _GAP.finditer(sentence):
        span = gap(m.group("a"), m.group("b"), m.group("through") is not None)
        if any(f not in verified for f in re.findall(r"\d+", m.group("a") + m.group("b"))) or span is None:
            return produced, False
        days, months, exact = span
        n, unit, more = int(m.group("n")), m.group("unit"), int(m.group("more") or 0)
        right = {"天": n == days and not m.group("more"), "个月": n == months and exact and not m.group("more"),
                 "年": n * 12 + more == months and (more > 0 or n > 0)}[unit]
        if not right or (m.group("both") is not None and int(m.group("both")) != days + 1):
            return produced, False
        produced |= {m.group(k) for k in ("n", "more", "both") if m.group(k)}
    return produced, True


def _products_ok(sentence: str, verified: set[str], given: set[str]) -> tuple[set[str], bool]:
    """Figures produced by a rate of a verified passage (400万元×3%=12万元) or a price per unit
    (3000千瓦时×1.2元/千瓦时=3600元) applied to an amount that is verified or that the question
    states itself, rounded as written, and by a verified amount per period over a verified
    term (3000元×2年=6000元)."""
    produced: set[str] = set()
    for m in _PRODUCT.finditer(sentence):
        a, _, rate, result = m.groups()
        if (a not in verified and a not in given) or rate + "%" not in verified:
            return produced, False
        if rounded(Decimal(a) * Decimal(rate) / 100, decimals(result)) != Decimal(result):
            return produced, False
        produced |= {a, result}
    for m in _OVER_TERM.finditer(sentence):
        a, _, term, result = m.groups()
        if a not in verified or term not in verified or Decimal(a) * Decimal(term) != Decimal(result):
            return produced, False
        produced.add(result)
    for m in _PER_UNIT.finditer(sentence):
        a, _, price, _, result = m.groups()
        if (a not in verified and a not in given) or price not in verified:
            return produced, False
        if rounded(Decimal(a) * Decimal(price), decimals(result)) != Decimal(result):
            return produced, False
        produced |= {a, result}
    return produced, True


#: “共5个方面：组织领导[1]、监督考核[2]、…”: a count followed by the items it counts
_COUNTED = re.compile(rf"共(\d+)(个方面|个领域|个部分|[{COUNT_WORDS}])[：:]((?:[^，。；：、]+?(?:\[\d+\])+[、]?)+)")


def _counts_ok(sentence: str) -> set[str]:
    """Counts that equal the number of items listed (each with its marker) right after them."""
    produced = set()
    for m in _COUNTED.finditer(sentence):
        items = [i for i in m.group(3).split("、") if MARKER.search(i)]
        if int(m.group(1)) == len(items):
            produced.add(m.group(1))
    return produced


def _appears(figure: str, source: str) -> bool:
    """``figure`` stands in ``source`` as a whole number (12.74 is not found in 112.745)."""
    if not figure[0].isdigit():  # 七个 is not found in 二十七个
        return re.search(rf"(?<![{_CN_DIGITS}]){re.escape(figure)}", source) is not None
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d]|\.\d)", source) is not None


#: a length of time or a measure written in words (十五个工作日, 二百米, 五十万元): its value
#: stands for the figure in digits that an answer computes with (15+10=25个工作日, 200-50=150米)
_SPELLED = re.compile(
    rf"(?<![{CN_NUMERAL}])([{CN_NUMERAL}]+)"
    rf"(?={'|'.join(longest_first({*TIME_UNITS, *all_units()}))})"
)


def _spelled(source: str) -> set[str]:
    """The values, in digits, of the lengths of time and measures ``source`` writes in words,
    and of those in 万 or 亿 also in that magnitude."""
    out = set()
    for m in _SPELLED.finditer(source):
        words = m.group(1)
        out.add(str(cn_number(words) or ""))
        if len(words) > 1 and words[-1] in "万亿":  # 一百万元 is also 100 of 万元 (100-1=99万元)
            out.add(str(cn_number(words[:-1]) or ""))
    return out - {""}


def verify(text: str, passages: dict[int, str], given: Sequence[str] = ()) -> Verification:
    """Check ``text`` against the cited ``passages`` (marker number → passage text);
    ``given`` are the figures of the question, which a rate may be applied to.

    Sentences are grouped up to the next sentence that carries a marker; the figures of a
    group must appear in the passages its markers cite. Figures with no marker after
    them are unverified.
    """
    dangling = sorted({int(n) for n in MARKER.findall(text)} - set(passages))
    groups: list[str] = []
    pending = ""
    for sentence in _sentences(text):
        pending += sentence
        if MARKER.search(sentence):
            groups.append(pending)
            pending = ""
    if pending:
        groups.append(pending)
    unverified: list[str] = []
    for claim in groups:
        sources = " ".join(passages.get(int(n), "") for n in MARKER.findall(claim))
        spelled = _spelled(sources)
        found = {f for f in figures(claim) if _appears(f, sources) or f in spelled}
        produced, sums_ok = _sums_ok(claim, found)
        quotients, quotients_ok = _quotients_ok(claim, found | produced)
        products, products_ok = _products_ok(claim, found | produced, set(given))
        spans, spans_ok = _spans_ok(claim, found)
        gaps, gaps_ok = _gaps_ok(claim, found)
        produced |= quotients | products | spans | gaps | _counts_ok(claim)
        unverified += [f for f in figures(claim) if f not in found and f not in produced]
        if not sums_ok:
            unverified.append("(sum)")
        if not quotients_ok:
            unverified.append("(quotient)")
        if not products_ok:
            unverified.append("(rate)")
        if not spans_ok or not gaps_ok:
            unverified.append("(days)")
    return Verification(
        ok=not unverified and not dangling,
        unverified=tuple(dict.fromkeys(unverified)),
        dangling=tuple(dangling),
    )


def renumber(text: str, retrieved: Sequence[RetrievedChunk]) -> tuple[str, tuple[Citation, ...]]:
    """Map markers that refer to retrieved passages ([k] = k-th passage) to citations
    numbered in order of first use; markers that point to nothing are dropped."""
    mapping: dict[int, int] = {}
    citations: list[Citation] = []

    def sub(m: re.Match[str]) -> str:
        k = int(m.group(1))
        if not 1 <= k <= len(retrieved):
            return ""
        if k not in mapping:
            mapping[k] = len(mapping) + 1
            r = retrieved[k - 1]
            citations.append(Citation(mapping[k], r.chunk.id, r.chunk.source, r.chunk.section, r.chunk.text))
        return f"[{mapping[k]}]"

    out = MARKER.sub(sub, text)
    out = re.sub(r"(\[\d+\])(?:\1)+", r"\1", out)  # [1][1] → [1]
    return out, tuple(citations)


def passages_of(citations: Sequence[Citation]) -> dict[int, str]:
    return {c.n: c.text for c in citations}
