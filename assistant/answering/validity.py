"""Which year a document stops being valid: “有效期到哪一年？” over “本细则自印发之日起施行，
有效期5年” is answered with that sentence and ``2021+5=2026``, written so that the verification
checks it. The term starts on the date the sentence names (自2024年4月1日起), or, for a term
from the day of issue (自印发之日起), on the date its passage states or the date line that closes
the document (cited too). A term that starts on 1 January ends in the year before its
anniversary (2024+5-1=2028). A term in Chinese numerals (有效期五年) is left alone: the
verification checks Arabic figures only."""

from __future__ import annotations

import re

from ..lexicon import pattern
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .scoring import sentences
from .understanding import Intent

#: a question about when validity ends (data/patterns.yaml)
_ASKS = pattern("ask_expiry")
#: a term of validity in years (有效期5年, 有效期为3年); not an end date (有效期至2026年10月31日)
_VALID = re.compile(r"有效期(?:为|是)?(\d{1,2})年")
_DATE = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")
#: the start a sentence names (自2024年4月1日起)
_FROM = re.compile("自" + _DATE.pattern)
#: a term from the day the document was issued
_ISSUED = re.compile(r"自(?:印发|发布|公布|下发|签发|发文)之日")
#: passages searched
TOP = 3


def _ymd(m: re.Match[str]) -> tuple[int, int, int]:
    """(year, month, day) of a matched date."""
    year, month, day = (int(x) for x in m.groups())
    return year, month, day


def end_year(start: tuple[int, int, int], years: int) -> tuple[int, str]:
    """The last year of a term of ``years`` from ``start`` (year, month, day), and the
    expression that computes it: from 1 January the term ends on 31 December of the year
    before its anniversary."""
    year, month, day = start
    if (month, day) == (1, 1):
        return year + years - 1, f"{year}+{years}-1={year + years - 1}"
    return year + years, f"{year}+{years}={year + years}"


def issued_on(c: Composer, chunk: Chunk) -> tuple[tuple[int, int, int], Chunk] | None:
    """The date a document was issued: the one date its passage ``chunk`` states, else the
    date line that closes the document (the last line that is a date alone)."""
    dates = {_ymd(m) for m in _DATE.finditer(chunk.text)}
    if len(dates) == 1:
        return next(iter(dates)), chunk
    lines = [
        (other.ordinal, _ymd(m), other)
        for run in c.vocab.sequence.values() for other in run if other.source == chunk.source
        for line in other.text.split("\n") if (m := _DATE.fullmatch(line.strip()))
    ]
    if not lines:
        return None
    _, date, where = max(lines, key=lambda x: x[0])
    return date, where


def validity_end(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    if not _ASKS.search(question):
        return None
    for pos, rc in enumerate(passages[:TOP]):
        for s in sentences(rc.chunk.text):
            term = _VALID.search(s)
            if term is None:
                continue
            start = _FROM.search(s)
            if start is not None:
                date, where = _ymd(start), rc.chunk
            elif _ISSUED.search(s) and (found := issued_on(c, rc.chunk)) is not None:
                date, where = found
            else:
                return None
            year, expression = end_year(date, int(term.group(1)))
            allp, number = with_chunks(passages, [where])
            marks = "".join(dict.fromkeys(f"[{n}]" for n in (pos + 1, number[where.id])))
            said = c.say("validity_end", year=year, expression=expression, marks=marks)
            return Draft(f"{c.lead(rc.chunk, s)}[{pos + 1}]。{said}", allp, Intent.FIGURE)
    return None


__all__ = ["end_year", "issued_on", "validity_end"]
