"""A follow-up's answer on hand-made chunks, without the embedding model: chosen by the
follow-up's own words, and by the whole conversation when those state nothing it asks for
and the conversation asks for the same kind of thing."""

from __future__ import annotations

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
