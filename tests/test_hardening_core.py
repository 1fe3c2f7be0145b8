"""Bounded work and memory per question, whatever the input: jieba's word guessing and the
query embedding run on a bounded part of the question, and the caches keyed by visitors'
words are bounded. Ordinary questions are tagged and embedded exactly as before."""

from __future__ import annotations

import json
import random
from pathlib import Path

import jieba.posseg
import pytest

from assistant.answering import Thresholds, Vocabulary, decide, strip_injection
from assistant.pipeline import Assistant
from assistant.text import GUESS_CHARS, ChineseTokenizer, clean_question, prepare_query

ROOT = Path(__file__).resolve().parents[1]


def _cjk(rng: random.Random, n: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(n))


def _eval_questions(limit: int = 120) -> list[str]:
    out = []
    for name in ("qa.jsonl", "dev.jsonl", "dev2.jsonl"):
        for line in (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                # as the pipeline tags and embeds a question: cleaned, instructions removed, simplified
                out.append(prepare_query(strip_injection(clean_question(json.loads(line)["question"]))[0]))
    return out[:limit]


@pytest.fixture()
def guessed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every run that jieba's HMM tagger is asked to guess."""
    runs: list[int] = []
    real = jieba.posseg.viterbi

    def counting(obs, *args):  # type: ignore[no-untyped-def]
        runs.append(len(obs))
        return real(obs, *args)

    monkeypatch.setattr(jieba.posseg, "viterbi", counting)
    return runs


def test_tagging_guesses_a_bounded_number_of_characters(guessed: list[int]) -> None:
    posseg = ChineseTokenizer(["生态安全"]).posseg
    rng = random.Random(14)
    for question in (_cjk(rng, 500), "生" * 500, _cjk(rng, 9) + "的" + _cjk(rng, 9) + "和" + _cjk(rng, 9) + "是" + _cjk(rng, 9)):
        guessed.clear()
        words = list(posseg.cut(question))
        assert "".join(w for w, _ in words) == question  # every character is still tagged
        assert sum(guessed) <= GUESS_CHARS


def test_ordinary_questions_are_tagged_as_jieba_tags_them() -> None:
    ours = ChineseTokenizer(["生态安全", "四长治河"]).posseg
    plain = jieba.posseg.POSTokenizer(ours.tokenizer)
    for question in _eval_questions():
        assert [tuple(p) for p in ours.cut(question)] == [tuple(p) for p in plain.cut(question)], question


def test_the_query_embedding_reads_a_bounded_prefix(embedder) -> None:  # type: ignore[no-untyped-def]
    tokenizer = embedder.model.tokenizer
    rng = random.Random(3)
    for question in (_cjk(rng, 500), "x" * 500, "生态 " * 160):
        bounded = embedder.bounded_query(question)
        assert question.startswith(bounded)
        assert 0 < len(tokenizer(bounded, add_special_tokens=False)["input_ids"]) <= embedder.QUERY_MAX_TOKENS
    for question in _eval_questions():
        assert embedder.bounded_query(question) == question


def test_the_known_word_cache_is_bounded(plan_assistant: Assistant) -> None:
    index = plan_assistant.index
    vocab = Vocabulary.from_chunks(index.chunks, plan_assistant.glossary, plan_assistant.synonyms)
    vocab.KNOWN_CACHE = 200  # type: ignore[misc]  # small, so that a few questions overflow it
    rng = random.Random(5)
    for _ in range(150):  # random questions with new words, as the probe sent
        decide(_cjk(rng, 40) + "是什么？", 0.5, vocab, Thresholds(), index.tokenizer.posseg)
        assert len(vocab._known) <= vocab.KNOWN_CACHE
    assert vocab.known("生态安全") and not vocab.known("核电站")  # still right after the cache was cleared


def test_an_expensive_question_is_still_answered_or_refused(plan_assistant: Assistant) -> None:
    rng = random.Random(7)
    for question in (_cjk(rng, 500), "生" * 500, "生态安全领域投资多少？" + _cjk(rng, 480)):
        answer = plan_assistant.ask(question)
        assert answer.text and (answer.refused or answer.citations)
    assert "12.74亿元" in plan_assistant.ask("生态安全领域投资多少？").text

