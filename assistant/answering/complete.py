"""Completing an answer from its own passage: the sentences of the answering passage that
hold words of the question the answer does not have yet.

A question often asks for more than one sentence says: 主板、科创板、新三板分别奖励多少 over
three “对在…上市企业，给予…万元奖励；” items, 一年未动工怎样？连续两年呢？ over two sentences
of one article, 每株施多少肥 over the sentence after the one about when to feed. The best
sentence answers one part; the parts it lacks are named by the question's own words. A
sentence joins the answer when it holds such a word and scores close enough to the best
one; the answer stays within one passage (one citation) and a length budget."""

from __future__ import annotations

from collections.abc import Sequence

from ..types import RetrievedChunk
from .leads import BARE_OPENER
from .scoring import SentenceScorer, end, sentences

#: at most this many sentences are added
MAX_ADDED = 2
#: how much lower than the answering sentence an added one may score
GAP = 1.0
#: the answer is not completed beyond this many characters
BUDGET = 240


def missing_words(scorer: SentenceScorer, question: str, answer: str) -> set[str]:
    """The question's words of two characters or more that the answer does not contain."""
    return {t for t in scorer.qtokens(question) if len(t) >= 2 and t not in answer and not t.isdigit()}


def completion(
    scorer: SentenceScorer, question: str, passages: Sequence[RetrievedChunk], pos: int, answer: str,
    scored: Sequence[tuple[float, int, str]],
) -> list[str]:
    """Sentences of ``passages[pos]`` to add to ``answer`` (in document order): each holds a
    word of the question that neither the answer nor an earlier added sentence holds, and
    scores within :data:`GAP` of the best sentence in ``scored`` (the scorer's output); not
    a sentence that only opens a list, which says nothing without its items."""
    lacking = missing_words(scorer, question, answer)
    if not lacking or not scored:
        return []
    top = scored[0][0]
    score_of = {s: score for score, p, s in scored if p == pos}
    own = sentences(passages[pos].chunk.text)
    added: list[str] = []
    length = len(answer)
    for s in sorted(own, key=lambda s: -score_of.get(s, -9.0)):
        if len(added) >= MAX_ADDED or not lacking:
            break
        if end(s) in answer or score_of.get(s, -9.0) < top - GAP or BARE_OPENER.search(s):
            continue
        gained = {w for w in lacking if w in s}
        if not gained or length + len(s) > BUDGET:
            continue
        added.append(s)
        lacking -= gained
        length += len(s)
    return sorted(added, key=own.index)


def completed(  # type: ignore[no-untyped-def]
    scorer: SentenceScorer, question: str, passages: Sequence[RetrievedChunk], pos: int, text: str,
    scored=None, query_vector=None,
) -> str:
    """``text`` (an answer from ``passages[pos]`` ending in ``[pos + 1]。``) followed by the
    sentences :func:`completion` adds, under the same marker."""
    marker = f"[{pos + 1}]。"
    if not text.endswith(marker) or not missing_words(scorer, question, text):
        return text  # not an answer from one passage, or it holds every word already: nothing to score
    if scored is None:
        scored = scorer.best_sentences(question, passages, 60, query_vector)
    added = completion(scorer, question, passages, pos, text, scored)
    if not added:
        return text
    return "。".join([end(text[: -len(marker)]), *(end(a) for a in added)]) + marker


__all__ = ["BUDGET", "GAP", "MAX_ADDED", "completed", "completion", "missing_words"]
