"""The subject a question asks something of (竞价原则是什么): a sentence holding it word for
word is preferred over one that only shares its words with the question. Hand-made chunks,
no model."""

from __future__ import annotations

import pytest

from assistant.answering import SentenceScorer, Vocabulary
from assistant.answering.understanding import asked_subject

from .test_answering_rules import chunk, tokenizer  # noqa: F401  (fixture)


@pytest.mark.parametrize("question, subject", [
    ("需求侧竞价的竞价原则是什么？", "竞价原则"),
    ("申请人的申请条件有哪些？", "申请条件"),
    ("保障措施有哪些？", "保障措施"),
    ("补贴有哪些？", None),  # one word: matched word by word already
    ("奖励是多少？", None),
    ("这个怎么办？", None),  # asks nothing of a subject
])
def test_the_subject_is_the_two_words_before_what_is_asked(tokenizer, question: str, subject: str | None) -> None:  # noqa: F811
    assert asked_subject(question, tokenizer) == subject


def test_a_sentence_holding_the_subject_is_preferred(tokenizer) -> None:  # noqa: F811
    chunks = [
        chunk(("一、竞价目的",), "需求侧竞价是用户以竞价的形式参与市场竞争的一种模式。", 0),
        chunk(("二、实施流程",), "平台进行结果评定，竞价原则为先价格后容量。", 1),
    ]
    vocab = Vocabulary.from_chunks(chunks)
    from assistant.types import RetrievedChunk

    ranked = tuple(RetrievedChunk(ch, 1.0, k + 1) for k, ch in enumerate(chunks))
    best = SentenceScorer(vocab, tokenizer).best_sentences("需求侧竞价的竞价原则是什么？", ranked, n=1)
    assert "先价格后容量" in best[0][2]


def test_a_subject_many_sentences_hold_tells_none_apart(tokenizer) -> None:  # noqa: F811
    from assistant.types import RetrievedChunk

    chunks = [
        chunk(("一、产业",), "推进老旧厂房改造。（牵头单位：九亭镇）", 0),
        chunk(("二、设施",), "实施供水管道改造。（牵头单位：区水务局）", 1),
    ]
    vocab = Vocabulary.from_chunks(chunks)
    ranked = tuple(RetrievedChunk(ch, 1.0, k + 1) for k, ch in enumerate(chunks))
    question = "老旧厂房改造的牵头单位是哪个？"

    class NoBonus(SentenceScorer):
        SUBJECT_BONUS = 0.0

    with_bonus = SentenceScorer(vocab, tokenizer).best_sentences(question, ranked, n=5)
    assert with_bonus == NoBonus(vocab, tokenizer).best_sentences(question, ranked, n=5)  # no bonus to either
    assert "九亭镇" in with_bonus[0][2]
    single = ranked[:1]  # one sentence holds it: the bonus counts
    assert SentenceScorer(vocab, tokenizer).best_sentences(question, single, n=1)[0][0] == NoBonus(vocab, tokenizer).best_sentences(question, single, n=1)[0][0] + 1.0
