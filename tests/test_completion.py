"""Completing an answer from its own passage (``assistant/answering/complete.py``), on
hand-made chunks without the embedding model: the sentences that hold the question's other
words join the answer, in document order, under one citation; nothing else does."""

from __future__ import annotations

import pytest

from assistant.answering import SentenceScorer, Vocabulary
from assistant.answering.complete import BUDGET, completed, completion
from assistant.text import ChineseTokenizer
from assistant.types import Chunk, RetrievedChunk

LISTED = Chunk(
    id="c0", source="opinions.md", title="《青山县支持企业发展的若干措施》", section_path=("二、支持范围", "（五）鼓励企业上市"), ordinal=0,
    text="对在主板上市企业，给予企业300万元奖励；对在科创板上市企业，给予企业200万元奖励；对在新三板挂牌企业，给予企业100万元奖励。"
         "对企业兼并重组的，按地方财政贡献的70%给予奖励。",
)
ARTICLE = Chunk(
    id="c1", source="opinions.md", title="《青山县支持企业发展的若干措施》", section_path=("四、监督管理",), ordinal=1,
    text="新建项目一年以上未动工建设的，企业应当缴纳土地闲置费。连续两年未动工建设的，依法无偿收回土地使用权。项目竣工后应及时申请验收。",
)


@pytest.fixture(scope="module")
def scorer() -> SentenceScorer:
    vocab = Vocabulary.from_chunks([LISTED, ARTICLE])
    return SentenceScorer(vocab, ChineseTokenizer())


def answer_with(scorer: SentenceScorer, question: str, chunk: Chunk, first: str) -> str:
    passages = (RetrievedChunk(chunk, 1.0, 1),)
    return completed(scorer, question, passages, 0, f"{first}[1]。")


def test_the_other_items_a_question_names_join_the_answer(scorer: SentenceScorer) -> None:
    text = answer_with(scorer, "在主板、科创板、新三板上市挂牌分别奖励多少？", LISTED, "对在新三板挂牌企业，给予企业100万元奖励")
    assert all(f in text for f in ("300万元", "200万元", "100万元"))
    assert text.endswith("[1]。") and text.count("[1]") == 1  # one passage, one citation
    assert "70%" not in text  # the sentence no word of the question asks for stays out
    assert text.index("300万元") < text.index("200万元")  # added sentences in document order


def test_a_second_question_in_the_message_is_completed_from_the_next_sentence(scorer: SentenceScorer) -> None:
    text = answer_with(scorer, "项目拿了地一年多还没动工会怎样？要是连续两年没动工呢？", ARTICLE,
                       "新建项目一年以上未动工建设的，企业应当缴纳土地闲置费")
    assert "无偿收回" in text and "验收" not in text


def test_an_answer_that_holds_every_word_of_the_question_stays_as_it_is(scorer: SentenceScorer) -> None:
    first = "对在主板上市企业，给予企业300万元奖励"
    assert answer_with(scorer, "主板上市企业奖励多少？", LISTED, first) == f"{first}[1]。"


def test_nothing_is_added_beyond_the_budget_or_from_another_passage(scorer: SentenceScorer) -> None:
    question = "在主板、科创板、新三板上市挂牌分别奖励多少？"
    passages = (RetrievedChunk(LISTED, 1.0, 1),)
    scored = scorer.best_sentences(question, passages, 60)
    long_answer = "对在新三板挂牌企业，给予企业100万元奖励" + "。" * (BUDGET - 30)
    assert completion(scorer, question, passages, 0, long_answer, scored) == []
    other = (RetrievedChunk(ARTICLE, 1.0, 1), RetrievedChunk(LISTED, 0.9, 2))
    text = completed(scorer, question, other, 0, "新建项目一年以上未动工建设的，企业应当缴纳土地闲置费[1]。")
    assert "万元" not in text  # the answering passage is ARTICLE: LISTED's sentences are not taken
    # an answer that does not end with its passage's marker is left alone
    assert completed(scorer, question, passages, 0, "见下文[2]。") == "见下文[2]。"
