"""Each retrieval mode is what its name says: hybrid is the weighted fusion of the dense and
the keyword rankings (recomputed here from the two rankings, with the min-max weighting the
README states), not one of them alone; keyword ranks by BM25 words, dense by the model."""

from __future__ import annotations

import pytest

from assistant.pipeline import Assistant

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
    w = settings.fusion_weight
    d, kw = normalized(dense), normalized(keyword)
    expected = {cid: w * d.get(cid, 0.0) + (1 - w) * kw.get(cid, 0.0) for cid in {*d, *kw}}
    assert {r.id for r in hybrid} <= set(expected)
    for r in hybrid:
        assert r.score == pytest.approx(expected[r.id], abs=1e-6), r.id
    best = max(expected.values())
    assert hybrid[0].score == pytest.approx(best, abs=1e-6)

