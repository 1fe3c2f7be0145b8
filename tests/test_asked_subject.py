"""The subject a question asks something of (竞价原则是什么): a sentence holding it word for
word is preferred over one that only shares its words with the question. Hand-made chunks,
no model."""

from __future__ import annotations

import pytest

from assistant.answering import SentenceScorer, Vocabulary
from assistant.answering.understanding import asked_subject
from assistant.types import Chunk, RetrievedChunk

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


class NoBonus(SentenceScorer):
    SUBJECT_BONUS = 0.0


def over(*texts: str) -> tuple[Vocabulary, tuple[RetrievedChunk, ...]]:
    """The vocabulary of one chunk per text, and the chunks ranked in their order."""
    chunks: list[Chunk] = [chunk((f"第{k + 1}部分",), text, k) for k, text in enumerate(texts)]
    return Vocabulary.from_chunks(chunks), tuple(RetrievedChunk(ch, 1.0, k + 1) for k, ch in enumerate(chunks))


def test_a_sentence_holding_the_subject_is_preferred(tokenizer) -> None:  # noqa: F811
    vocab, ranked = over("需求侧竞价是用户以竞价的形式参与市场竞争的一种模式。", "平台进行结果评定，竞价原则为先价格后容量。")
    best = SentenceScorer(vocab, tokenizer).best_sentences("需求侧竞价的竞价原则是什么？", ranked, n=1)
    assert "先价格后容量" in best[0][2]


def test_a_subject_many_sentences_hold_tells_none_apart(tokenizer) -> None:  # noqa: F811
    vocab, ranked = over("推进老旧厂房改造。（牵头单位：九亭镇）", "实施供水管道改造。（牵头单位：区水务局）")
    question = "老旧厂房改造的牵头单位是哪个？"
    with_bonus = SentenceScorer(vocab, tokenizer).best_sentences(question, ranked, n=5)
    assert with_bonus == NoBonus(vocab, tokenizer).best_sentences(question, ranked, n=5)  # no bonus to either
    assert "九亭镇" in with_bonus[0][2]
    single = ranked[:1]  # one sentence holds it: the bonus counts
    assert SentenceScorer(vocab, tokenizer).best_sentences(question, single, n=1)[0][0] == NoBonus(vocab, tokenizer).best_sentences(question, single, n=1)[0][0] + 1.0
