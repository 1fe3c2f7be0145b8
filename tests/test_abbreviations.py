"""Shortened words, without the embedding model: which document words a word may shorten
by its form, and a question asked again with the document's word when the (here fake)
model finds the two close."""

from __future__ import annotations

import numpy as np

from assistant.answering.abbreviations import SHORTENS, document_words, lengthened, longer_forms

CUT = ["老年人", "优待", "凭证", "仅限", "本人", "使用", "。", "\n", "举报", "奖励", "资金", "的", "发放",
       "\n", "公共交通", "\n", "提高", "能源", "利用", "效率"]
WORDS = document_words(CUT)


def test_document_words_are_whole_words_and_short_runs_of_them() -> None:
    assert {"老年人", "优待凭证", "老年人优待凭证", "奖励资金", "公共交通", "利用效率"} <= WORDS
    assert "优待凭证仅限本人" not in WORDS  # four words run together: too many
    assert "资金的发放" not in WORDS and "公共交" not in WORDS  # joined by 的; a part of a word
    assert "使用举报" not in WORDS  # runs stop at a line's end


def test_a_word_shortens_a_document_word_of_its_first_and_last_characters_in_order() -> None:
    assert longer_forms("优待证", WORDS) == ["优待凭证"]
    assert longer_forms("奖金", WORDS) == ["奖励资金"]
    assert longer_forms("公交", WORDS) == []  # 公共交通 does not end in 交
    assert longer_forms("证件", WORDS) == []
    assert longer_forms("利率", WORDS) == ["利用效率"]  # by form alone; the model decides


def fake_embed(close: dict[tuple[str, str], float]):  # type: ignore[no-untyped-def]
    """Unit vectors whose cosine to the first word of a call is ``close`` (or 0)."""
    def embed(texts: list[str]) -> list[list[float]]:
        out = [[1.0, 0.0]]
        for t in texts[1:]:
            c = close.get((texts[0], t), 0.0)
            out.append([c, float(np.sqrt(1 - c * c))])
        return out
    return embed


def test_a_question_is_asked_with_the_document_word_when_the_model_finds_them_close() -> None:
    embed = fake_embed({("优待证", "优待凭证"): 0.97, ("利率", "利用效率"): 0.85})
    assert lengthened("老人优待证有效期多久？", ["优待证"], WORDS, embed) == "老人优待凭证有效期多久？"
    assert lengthened("贴息利率是多少？", ["利率"], WORDS, embed) == "贴息利率是多少？"  # below SHORTENS
    assert lengthened("门票多少钱？", ["门票"], WORDS, embed) == "门票多少钱？"  # no longer form
    # one unknown word that shortens nothing: the question stays as it was, and is refused over it
    assert lengthened("优待证要等几多个工作日？", ["优待证", "工作日"], WORDS, embed) == "优待证要等几多个工作日？"
    assert 0.85 < SHORTENS < 0.92
