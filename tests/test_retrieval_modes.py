"""Each retrieval mode is what its name says: hybrid is the weighted fusion of the dense and
the keyword rankings (recomputed here from the two rankings, with the min-max weighting the
README states and the dense weight adapted to the share of the question's keywords the index
knows), not one of them alone; keyword ranks by BM25 words, dense by the model."""

from __future__ import annotations

import pytest

from assistant.pipeline import Assistant
from assistant.retrieval import adapted_weight

# questions that name no section (so no section bonus changes a score)
QUESTIONS = ["河道整治投了多少钱", "钱从哪里来", "群众能做些什么"]


def normalized(ranking: list[tuple[str, float]]) -> dict[str, float]:
    lo, hi = min(s for _, s in ranking), max(s for _, s in ranking)
    return {cid: (s - lo) / (hi - lo) if hi > lo else 1.0 for cid, s in ranking}


@pytest.mark.parametrize("question", QUESTIONS)
def test_hybrid_is_the_weighted_fusion_of_dense_and_keyword(plan_assistant: Assistant, question: str) -> None:
    settings = plan_assistant.settings
    assert settings.fusion == "weighted"
    n = settings.candidates
    dense = [(r.id, r.score) for r in plan_assistant.search(question, k=n, mode="dense").chunks]
    keyword = [(r.id, r.score) for r in plan_assistant.search(question, k=n, mode="keyword").chunks]
    hybrid = plan_assistant.search(question, k=n, mode="hybrid").chunks
    assert dense and keyword and all(s <= 1.0 for _, s in dense)  # cosines, no bonus
    retriever = plan_assistant.serving().retriever
    share = retriever.index.known_share(retriever.keyword_tokens(question))
    w = adapted_weight(settings.fusion_weight, settings.fusion_adapt, share)
    d, kw = normalized(dense), normalized(keyword)
    expected = {cid: w * d.get(cid, 0.0) + (1 - w) * kw.get(cid, 0.0) for cid in {*d, *kw}}
    assert {r.id for r in hybrid} <= set(expected)
    for r in hybrid:
        assert r.score == pytest.approx(expected[r.id], abs=1e-6), r.id
    best = max(expected.values())
    assert hybrid[0].score == pytest.approx(best, abs=1e-6)



def test_the_dense_weight_grows_as_fewer_of_the_keywords_are_known() -> None:
    assert adapted_weight(0.5, 0.5, 0.5) == 0.5
    assert adapted_weight(0.5, 0.5, 1.0) == pytest.approx(0.25)  # the documents' own words: keywords count more
    assert adapted_weight(0.5, 0.5, 0.0) == pytest.approx(0.75)  # none of them: meaning counts more
    assert adapted_weight(0.5, 0.0, 0.0) == 0.5  # adapt 0: the fixed weight
    assert adapted_weight(0.9, 1.0, 0.0) == 1.0 and adapted_weight(0.1, 1.0, 1.0) == 0.0  # kept within [0, 1]


def test_a_reworded_question_leans_on_meaning_and_a_literal_one_on_keywords(plan_assistant: Assistant) -> None:
    retriever = plan_assistant.serving().retriever
    literal, loose = "生态安全领域投资多少亿元", "修河那块到底砸了老鼻子钱没"
    shares = [retriever.index.known_share(retriever.keyword_tokens(q)) for q in (literal, loose)]
    assert shares[0] > shares[1]
    weights = [adapted_weight(plan_assistant.settings.fusion_weight, plan_assistant.settings.fusion_adapt, s) for s in shares]
    assert weights[0] < plan_assistant.settings.fusion_weight < weights[1]
