"""A regulation's penalty clauses (违反本条例第二十条第一款第二项规定，携犬只进入公共场所的，由公安
机关责令改正) restate in a few words the rule they punish, and so often match a question about
that rule better than the article that states it. A question that asks nothing a penalty
clause could hold (a penalty, a figure) is answered from the rule: the articles a
penalty clause names take its place, fetched from its document when the search did not find
them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..lexicon import pattern
from ..text import CN_NUMERAL
from ..types import Chunk, RetrievedChunk
from .understanding import FIGURE_Q, unit_of

#: a clause that punishes what breaks the document's own articles (data/patterns.yaml penalty_reference)
PENALTY_REFERENCE = pattern("penalty_reference")
#: a question about a penalty (data/patterns.yaml ask_penalty): the penalty clause answers it
ASKS_PENALTY = pattern("ask_penalty")
#: an article a penalty clause names (第二十条, 第20条)
_ARTICLE = re.compile(rf"第([{CN_NUMERAL}\d]+)条")
#: at most this many articles are put before one penalty clause (第十五条第二款、第十八条第一款)
MAX_ARTICLES = 3


def referenced_articles(text: str) -> tuple[str, ...]:
    """The articles (第二十条) that the penalty clauses of ``text`` say are broken, in order."""
    found: list[str] = []
    for m in PENALTY_REFERENCE.finditer(text):
        found += [f"第{n}条" for n in _ARTICLE.findall(m.group("articles"))]
    return tuple(dict.fromkeys(found))


def article_chunks(article: str, source: str, sequence: Mapping[tuple[str, tuple[str, ...]], Sequence[Chunk]]) -> tuple[Chunk, ...]:
    """The chunks of the document ``source`` under the heading of ``article`` (第二十条, also
    第二十条(犬只出户)), in their order; none when its articles are no headings."""
    heading = re.compile(re.escape(article) + rf"(?![{CN_NUMERAL}\d])")
    return tuple(c for (src, path), chunks in sequence.items() if src == source and path and heading.match(path[-1]) for c in chunks)


def rules_first(
    question: str, passages: Sequence[RetrievedChunk], sequence: Mapping[tuple[str, tuple[str, ...]], Sequence[Chunk]],
) -> tuple[RetrievedChunk, ...]:
    """``passages`` with each penalty clause replaced by the articles it names (moved up, or
    fetched from ``sequence``, the chunks of each section), unless ``question`` asks for a
    penalty or a figure (the fine may be meant, and a figure the rule lacks is 'not stated'
    only while the clause is there to be weighed). A clause whose articles are no headings
    stays."""
    if ASKS_PENALTY.search(question) or FIGURE_Q.search(question) or unit_of(question) is not None:
        return tuple(passages)
    placed: set[str] = set()
    out: list[RetrievedChunk] = []
    for p in passages:
        if p.chunk.id in placed:
            continue
        found = False
        for article in referenced_articles(p.chunk.text)[:MAX_ARTICLES]:
            for chunk in article_chunks(article, p.chunk.source, sequence):
                found = True
                if chunk.id not in placed and chunk.id != p.chunk.id:
                    placed.add(chunk.id)
                    moved = next((q for q in passages if q.chunk.id == chunk.id), None)
                    out.append(moved or RetrievedChunk(chunk, p.score, p.rank))
        placed.add(p.chunk.id)
        if not found:
            out.append(p)
    return tuple(out)


__all__ = ["MAX_ARTICLES", "article_chunks", "referenced_articles", "rules_first"]
