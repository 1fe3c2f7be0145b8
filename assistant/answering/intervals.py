"""How long between two things the documents date: “从市政府常务会议通过到正式施行隔了多少天？”
over “…已经2021年1月8日市政府第15届130次常务会议通过，现予公布，自2021年5月1日起施行” is
answered with that sentence and ``2021年1月8日至2021年5月1日相隔113天``; “近期目标和远期目标相隔
几年？” over “到2027年，…” (近期目标) and “到2035年，…” (远期目标) with ``2035-2027=8``, written
so that the verification checks them.

The question names its two sides (从A到B, A和B之间, A比B早); each is matched to the dated
phrase of its documents that holds most of its words (its section's name counting too, the
name of a document the phrase cites only to break a tie): the text from the date to the
next date or the clause's end, with what leads to it in the clause (自2021年5月1日起施行).
A side that names a year looks among the dates of that year only. No answer here when a
side's words are held by no dated phrase (or it holds less than a third of them), or by
two with different dates alike, or when both sides fall on one date, or the dates cannot
give the length asked (days between two years)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from ..citations import gap
from ..lexicon import pattern
from ..text import STOPWORDS
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .coverage import ABSTRACT_NOUNS
from .parts import document_chunks
from .scoring import sentences
from .understanding import TOTAL, Intent
from .vocabulary import GENERIC_WORDS, YEAR

#: the length asked, and the patterns of the two sides (data/patterns.yaml)
ASKS = pattern("ask_interval")
SIDES = tuple(pattern(f"interval_{n}") for n in ("from_to", "between", "than"))
#: a date or a year as a document writes it
_DATE = re.compile(r"(?:19|20)\d\d年(?:\d{1,2}月(?:\d{1,2}日)?)?")
#: a document's name in a phrase: it names the document, not what the date is of (…批准的《…关于修改…的决定》修正)
_TITLE = re.compile(r"《[^《》]*》")
#: what ends the phrase of a date
_BREAK = re.compile(r"[，,；;。：:\n]")
#: the unit a question asks the length in
_UNIT = re.compile(r"(天|日|个?月|年)(?!期)")
#: passages whose documents are searched
TOP = 3


class Dated(NamedTuple):
    """A date a document writes, its phrase, and where it stands."""

    written: str
    phrase: str
    chunk: Chunk
    sentence: str

    @property
    def year(self) -> int | None:
        return int(self.written[:4]) if YEAR.match(self.written) else None

    @property
    def full(self) -> bool:
        """Does it name its day (not a year alone)?"""
        return self.written.endswith("日")


def sides(question: str) -> tuple[str, str] | None:
    """The two things ``question`` asks the time between, in the order it names them."""
    if not ASKS.search(question):
        return None
    for p in SIDES:
        if (m := p.search(question)) is not None:
            a, b = (m.group(k).strip(" ，,的") for k in ("a", "b"))
            return (a, b) if a and b else None
    return None


@lru_cache(maxsize=4096)  # a chunk's dates are read once, not for every question that asks an interval
def dated(chunk: Chunk) -> tuple[Dated, ...]:
    """Every date of ``chunk`` with its phrase: from the clause's start (自2021年5月1日起施行),
    or the date itself when a date comes before it in the clause, to the clause's end or the
    next date (2019年5月30日 …会议批准2019年6月1日 …: the words between are the first's)."""
    out = []
    for s in sentences(chunk.text):
        found = list(_DATE.finditer(s))
        for k, m in enumerate(found):
            start = max([b.end() for b in _BREAK.finditer(s, 0, m.start())] + [0])
            if k and found[k - 1].end() > start:  # the words between two dates are the first's
                start = m.start()
            stop = min([b.start() for b in [_BREAK.search(s, m.end())] if b] + [found[k + 1].start() if k + 1 < len(found) else len(s)])
            out.append(Dated(m.group(0), s[start:stop], chunk, s))
    return tuple(out)


def words_of(c: Composer, side: str) -> dict[str, tuple[str, ...]]:
    """The words of a side that may single out a phrase (not a question word, a frame or a
    year), each with the documents' words it stands for (人大常委会: 人民代表大会常务委员会)."""
    text = c.vocab.without_places(c.vocab.without_titles(side))
    posseg = getattr(c.scorer.tokenize, "posseg", None)  # whole words (人大常委会), not their parts too
    cut = [w for w, _ in posseg.cut(text)] if posseg is not None else c.scorer.tokenize(text)
    tokens = [t for t in cut if len(t) >= 2 and not YEAR.fullmatch(t) and not t.isdigit()]
    return {t: (t, *c.vocab.synonyms.get(t, ())) for t in tokens if t not in STOPWORDS and t not in GENERIC_WORDS and t not in ABSTRACT_NOUNS}


def match(c: Composer, side: str, candidates: list[Dated]) -> Dated | None:
    """The dated phrase holding most of the side's words (with its section's name), among the
    dates of the year the side names; None when none holds one, or two of different dates hold
    as many alike (``score``), or the best holds less than a third of its words that do not
    name the document."""
    own = words_of(c, side)
    titles = {d.chunk.title for d in candidates}
    needed = sum(not any(w in t for t in titles) for w in own)  # 养犬条例省里批准: 省里, 批准 (养犬条例 names the document)
    years = set(YEAR.findall(side))
    pool = [d for d in candidates if not years or d.written[:4] in years]
    if not own:
        return None

    def score(d: Dated) -> tuple[int, int, int]:
        """Its words held outside the names of documents, those held in them (…通过的《…关于修改…的
        决定》: a tie-break), then the longest run of the side's characters."""
        where, named = _TITLE.sub("", d.phrase) + " " + " ".join(d.chunk.section_path), " ".join(_TITLE.findall(d.phrase))
        held = [any(f in where for f in forms) for forms in own.values()]
        in_names = [not h and any(f in named for f in forms) for h, forms in zip(held, own.values())]
        return sum(held), sum(in_names), common_run(side, where)
    scored = sorted(((score(d), d) for d in pool), key=lambda x: x[0], reverse=True)
    if not scored or scored[0][0][0] == 0 or (scored[0][0][0] + scored[0][0][1]) * 3 < needed:
        return None  # a third of the side's words at least
    best = scored[0]
    if any(n == best[0] and d.written != best[1].written for n, d in scored[1:]):
        return None
    return best[1]


def common_run(a: str, b: str) -> int:
    """The length of the longest run of characters ``a`` and ``b`` share (试供热 in 试供热自…开始: 3)."""
    return max((n for i in range(len(a)) for n in range(len(a) - i, 0, -1) if a[i:i + n] in b), default=0)


def unit_asked(question: str) -> str:
    """天, 个月, 年, or "" when the question leaves the unit to the dates (多久)."""
    asked = ASKS.search(question)
    m = _UNIT.search(question, asked.start()) if asked is not None else None
    if m is None:
        return ""
    return {"日": "天", "天": "天", "月": "个月", "个月": "个月"}.get(m.group(1), "年")


def length(c: Composer, question: str, a: Dated, b: Dated, marks: str) -> str | None:
    """The sentence that computes the time from ``a`` to the later ``b``, or None. A length in
    years between two days is in whole years and months; through ``b`` when the question asks
    what a period lasts in all (一共几年: 2021年11月1日 to 2026年10月31日 is 5 years)."""
    unit = unit_asked(question)
    if not (a.full and b.full):
        if unit not in ("年", "") or a.year is None or b.year is None or a.year == b.year:
            return None  # days or months between two years, or two dates of one year in years
        return c.say("interval_years", expression=f"{b.year}-{a.year}={b.year - a.year}", years=b.year - a.year, marks=marks)
    through = unit == "年" and TOTAL.search(question) is not None
    span = gap(a.written, b.written, through)
    if span is None:
        return None
    days, months, exact = span
    if unit == "年" and days >= 365:
        years, rest = divmod(months, 12)
        return c.say("interval_dates_years", a=a.written, b=b.written, through="（含当日）" if through else "",
                     length=f"{years}年" + (f"{rest}个月" if rest else ""), marks=marks)
    if unit == "个月" and exact:
        return c.say("interval_months", a=a.written, b=b.written, months=months, marks=marks)
    if TOTAL.search(question):  # 一共几天: the days between, and with both ends counted
        return c.say("interval_days_both", a=a.written, b=b.written, days=days, both=days + 1, marks=marks)
    return c.say("interval_days", a=a.written, b=b.written, days=days, marks=marks)


def interval(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    named = sides(question)
    if named is None or not passages:
        return None
    sources = dict.fromkeys(p.chunk.source for p in passages[:TOP])
    candidates = [d for source in sources for ch in document_chunks(c, source) for d in dated(ch)]
    found = [match(c, side, candidates) for side in named]
    if found[0] is None or found[1] is None or found[0].written == found[1].written:
        return None
    a, b = sorted(found, key=lambda d: [int(x) for x in re.findall(r"\d+", d.written)])  # type: ignore[arg-type]
    allp, number = with_chunks(passages, [a.chunk, b.chunk])
    quoted = list(dict.fromkeys((d.chunk, d.sentence) for d in (a, b)))
    marks = "".join(dict.fromkeys(f"[{number[d.chunk.id]}]" for d in (a, b)))
    said = length(c, question, a, b, marks)
    if said is None:
        return None
    lead = "；".join(f"{c.lead(ch, s)}[{number[ch.id]}]" for ch, s in quoted)
    return Draft(f"{lead}。{said}", allp, Intent.AGGREGATE)


__all__ = ["dated", "interval", "match", "sides", "unit_asked"]
