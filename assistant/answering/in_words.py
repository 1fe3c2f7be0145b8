"""Figures written in words, as laws and regulations write theirs (一百米, 十八摄氏度, 百分之三十):
what a question of how much is answered by when the documents state no figure in digits."""

from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import longest_first, unit_table
from ..text import CN_NUMERAL
from .vocabulary import IN_WORDS, Vocabulary

#: kinds of units (data/lexicon/units.yaml) that count people, things or time: written in words
#: they are as often no figure at all (一人一档, 一项工作, 一天)
_COUNTED_KINDS = frozenset({"people", "count", "time", "projects", "indicators"})
_SHARE = re.compile(rf"[百千]分之{IN_WORDS}")


def figure_in_words(vocab: Vocabulary, measure: str | None = None) -> re.Pattern[str] | None:
    """A figure written in words: a share (百分之三十), or a number with a unit of measure the
    corpus writes one with in words (not one of people, things or time). A question that asks
    in a measure (多少吨, 几天) is answered only by a figure in it (吨, not 五百元); one in none of
    these units (多少钱, 几个) by none of them. Worked out once per corpus and measure."""
    return _in_words(vocab.measured_units, _states_shares(vocab.text), measure)


@lru_cache(maxsize=8)
def _states_shares(text: str) -> bool:
    return _SHARE.search(text) is not None


@lru_cache(maxsize=256)
def _in_words(measured: frozenset[str], shares: bool, measure: str | None) -> re.Pattern[str] | None:
    units = longest_first(u for kind, used in unit_table().items() if kind not in _COUNTED_KINDS for u in used if u in measured)
    if measure:
        units = tuple(u for u in units if u.endswith(measure) or measure.startswith(u))
    with_unit = rf"{IN_WORDS}(?:{'|'.join(map(re.escape, units))})" if units else None
    share = _SHARE.pattern if shares and not measure else None
    either = "|".join(p for p in (share, with_unit) if p)
    return re.compile(rf"(?<![第{CN_NUMERAL}])(?:{either})") if either else None
