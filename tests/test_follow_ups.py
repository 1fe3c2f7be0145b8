"""A follow-up's answer on hand-made chunks, without the embedding model: chosen by the
follow-up's own words and meaning, and by the whole conversation when those state nothing it
asks for and the conversation asks for the same kind of thing."""

from __future__ import annotations

import pytest

from assistant.answering import Intent
from assistant.pipeline import conversed, extractive
from assistant.retrieval import RetrievalResult
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of

TITLE = "《青山区积分落户工作问答》"
ISSUER = "青山区人力资源和社会保障局"
TIMES = Chunk(
    id="t0", source="faq.md", title=TITLE, section_path=("三、申报时间是什么？",), ordinal=0,
    text="答：2025年度积分落户申报时间是：2025年10月10日9时至2025年11月10日17时。",
)
MONEY = Chunk(
    id="t1", source="faq.md", title=TITLE, section_path=("四、公寓项目投资多少？",), ordinal=1,
    text="答：人才公寓项目共投资3.5亿元。",
)


def result(query: str, *chunks: Chunk) -> RetrievalResult:
    return RetrievalResult(query=query, chunks=tuple(RetrievedChunk(c, 1.0, k + 1) for k, c in enumerate(chunks)))


def test_a_follow_up_whose_own_words_state_nothing_is_answered_by_the_conversation() -> None:
    composer = composer_of([TIMES, MONEY], TITLE, ISSUER)
    own = "那最后一天几点截止？"
    searched = result("2025年度积分落户什么时候开始申报？ 那最后一天几点截止？", TIMES, MONEY)
    alone = extractive(composer, own, searched.chunks, None, (), composer.say)
    assert alone.intent is Intent.NOT_STATED  # 最后、一天、截止: no word of the answering sentence
    draft = conversed(composer, own, searched, (), composer.say)
    assert draft.intent is not Intent.NOT_STATED and "17时" in draft.text, draft.text


def test_a_follow_up_asking_for_another_kind_of_thing_is_not_answered_by_the_conversation() -> None:
    composer = composer_of([TIMES, MONEY], TITLE, ISSUER)
    own = "那它哪年建成？"
    searched = result("人才公寓项目投资多少？ 那它哪年建成？", MONEY)
    draft = conversed(composer, own, searched, (), composer.say)
    assert draft.intent is Intent.NOT_STATED, draft.text  # a year was asked: the conversation's 3.5亿元 answers nothing
    assert "3.5亿元" not in draft.text


DECISIONS = Chunk(
    id="t2", source="faq.md", title=TITLE, section_path=("五、审批",), ordinal=2,
    text="区民政部门应当在收到审核意见之日起3个工作日内作出审批决定。不予批准的，应当出具书面通知并说明理由。",
)


class Meanings:
    """Clause cosines by a two-dimensional meaning: the conversation (1, 0) is about the
    decision, the follow-up (0, 1) about a refusal; no clause vectors are stored."""

    stored = None

    def chunk_similarities(self, query_vector, groups):  # type: ignore[no-untyped-def]
        def cosine(text: str) -> float:
            meaning = (0.9, 0.2) if "作出审批决定" in text else (0.5, 0.9) if "不予批准" in text else (0.3, 0.3)
            return meaning[0] * query_vector[0] + meaning[1] * query_vector[1]

        return [[cosine(t) for t in texts] for _, texts in groups]


def test_a_follow_up_is_answered_by_the_sentence_closest_to_its_own_meaning_within_the_conversation() -> None:
    composer = composer_of([DECISIONS], TITLE, ISSUER, vectors=Meanings())
    own = "要是没通过呢，会告诉我吗？"  # shares no word with either sentence that tells them apart
    searched = RetrievalResult(
        query="多久能出审批结果？ 要是没通过呢，会告诉我吗？", chunks=(RetrievedChunk(DECISIONS, 1.0, 1),), query_vector=(1.0, 0.0),
    )
    by_conversation = conversed(composer, own, searched, (), composer.say)
    assert "出具书面通知" not in by_conversation.text, by_conversation.text  # what the whole conversation is closest to
    draft = conversed(composer, own, searched, (), composer.say, embed=lambda words: (0.0, 1.0))
    assert "出具书面通知" in draft.text, draft.text
    assert searched.toward((0.0, 1.0)).query_vector == pytest.approx((2 ** -0.5, 2 ** -0.5))  # halfway, a unit vector
