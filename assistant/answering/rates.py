"""A price per unit applied to the question's own amount: “按固定补贴模式报了3000千瓦时，能拿多少
补贴？” over “固定补贴价格模式的补贴价格为1.2元/千瓦时” is answered with that clause and
``3000千瓦时×1.2元/千瓦时=3600元``, written out so that the verification checks it (the amount is
the question's, the price the passage's). The price is the one, in the unit of the question's
amount, of the clause of the first passages that shares most words with the question; two
prices tied in that unit give no answer here."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from ..lexicon import pattern
from ..types import Chunk, RetrievedChunk
from .aggregate import plain
from .compose import Composer, Draft
from .scoring import clauses, sentences
from .understanding import FIGURE_Q, Intent

#: 1.2元/千瓦时, 200元/亩: (price, money unit, the unit it is per)
PRICE = pattern("per_unit_price")
#: passages searched for the price
TOP = 5


class Price(NamedTuple):
    value: str
    money: str
    per: str


def amount_in(question: str, per: str) -> str | None:
    """The amount the question states in ``per`` (3000千瓦时 → 3000), when it states one."""
    found = {m.group(1) for m in re.finditer(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*{re.escape(per)}(?![/／])", question)}
    return found.pop() if len(found) == 1 else None


def applied(c: Composer, question: str, text: str, mark: str) -> str:
    """The one price per unit of ``text`` in a unit the question states an amount in,
    applied to that amount (600亩×200元/亩=120000元), or "" when there is not one."""
    prices = {Price(*m.groups()) for m in PRICE.finditer(text)}
    usable = [(p, a) for p in prices if (a := amount_in(question, p.per)) is not None]
    if len(usable) != 1:
        return ""
    (price, amount), = usable
    result = plain(Decimal(amount) * Decimal(price.value))
    return c.say("per_unit", amount=f"{amount}{price.per}", price=f"{price.value}{price.money}/{price.per}",
                 result=result, unit=price.money, mark=mark)


def per_unit(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    if not FIGURE_Q.search(question):
        return None
    q = c.scorer.qtokens(question)
    found: list[tuple[tuple[float, float, int], int, Chunk, str, str]] = []
    for pos, rc in enumerate(passages[:TOP]):
        for s in sentences(rc.chunk.text):
            for clause in clauses(s):
                if any(amount_in(question, m.group(3)) for m in PRICE.finditer(clause)):
                    found.append(((c.scorer.overlap(q, clause), c.scorer.overlap(q, s), -pos), pos, rc.chunk, s, clause))
    if not found:
        return None
    best = max(found, key=lambda f: f[0])
    if len({f[4] for f in found if f[0][0] == best[0][0]}) > 1:
        return None  # two clauses the question's words hold alike (100元/亩 and 200元/亩 of two bands)
    _, pos, chunk, sentence, clause = best
    mark = f"[{pos + 1}]"
    computed = applied(c, question, clause, mark)
    if not computed:
        return None
    return Draft(f"{c.lead(chunk, sentence)}{mark}。{computed}", passages, Intent.FIGURE)


__all__ = ["PRICE", "amount_in", "applied", "per_unit"]
