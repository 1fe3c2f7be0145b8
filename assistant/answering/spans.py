"""How many days a stated date range lasts: “资格复核那段时间总共有多少天？” over “于每年4月1日至
6月20日组织…复核” is answered with that sentence and ``4月1日至6月20日共81天``, both days counted,
written so that the verification checks it. A range that holds the end of February in a year
the sentence does not name is left alone (28 or 29 days), and so is a question with two such
ranges its words hold alike."""

from __future__ import annotations

from ..citations import DATE_RANGE, days_in
from ..lexicon import pattern
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft
from .scoring import sentences
from .understanding import Intent

#: a question that asks how many days (data/patterns.yaml)
_DAYS = pattern("ask_days")
#: passages searched
TOP = 3


def days(sentence: str) -> list[tuple[str, int]]:
    """Each date range of ``sentence`` (as written) with the days it lasts, both ends counted."""
    return [(m.group(0), span) for m in DATE_RANGE.finditer(sentence) if (span := days_in(m)) is not None]


def date_span(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    if not _DAYS.search(question):
        return None
    q = c.scorer.qtokens(question)
    found: list[tuple[float, int, Chunk, str, str, int]] = []
    for pos, rc in enumerate(passages[:TOP]):
        for s in sentences(rc.chunk.text):
            found += [(c.scorer.overlap(q, s), pos, rc.chunk, s, written, span) for written, span in days(s)]
    if not found:
        return None
    best = max(found, key=lambda f: (f[0], -f[1]))
    if any(f[0] == best[0] and f[1] == best[1] and f[4] != best[4] for f in found):
        return None  # two ranges of one passage the question's words hold alike
    _, pos, chunk, sentence, written, span = best
    mark = f"[{pos + 1}]"
    return Draft(f"{c.lead(chunk, sentence)}{mark}。{c.say('date_span', range=written, days=span, mark=mark)}", passages, Intent.FIGURE)


__all__ = ["date_span", "days"]
