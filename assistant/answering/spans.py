"""How many days a stated date range lasts: “资格复核那段时间总共有多少天？” over “于每年4月1日至
6月20日组织…复核” is answered with that sentence and ``4月1日至6月20日共81天``, both days counted,
written so that the verification checks it. A range that holds the end of February in a year
the sentence does not name is left alone (28 or 29 days), and so is a question with two such
ranges its words hold alike."""

from __future__ import annotations

from ..citations import DATE_RANGE, days_in
from ..lexicon import pattern
from ..types import RetrievedChunk
from .compose import Composer, Draft
from .terms import best_sentence
from .understanding import Intent

#: a question that asks how many days (data/patterns.yaml)
_DAYS = pattern("ask_days")


def days(sentence: str) -> list[tuple[str, int]]:
    """Each date range of ``sentence`` (as written) with the days it lasts, both ends counted."""
    return [(m.group(0), span) for m in DATE_RANGE.finditer(sentence) if (span := days_in(m)) is not None]


def date_span(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    if not _DAYS.search(question):
        return None
    best = best_sentence(c, question, passages, lambda s, _: [(s, d) for d in days(s)])
    if best is None:
        return None
    pos, chunk, sentence, (written, span) = best
    mark = f"[{pos + 1}]"
    return Draft(f"{c.lead(chunk, sentence)}{mark}。{c.say('date_span', range=written, days=span, mark=mark)}", passages, Intent.FIGURE)


__all__ = ["date_span", "days"]
