"""A question that asks for a fine, on hand-made chunks without the embedding model: answered
by a figure that is a fine, never by a sum the documents invest or pay out; refused when the
documents state no fine."""

from __future__ import annotations

from assistant.answering import Intent
from assistant.answering.understanding import classify
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, verified

TITLE = "《青山县河道管理实施方案》"
ISSUER = "青山县水利局"
FUNDS = Chunk(id="r0", source="scheme.md", title=TITLE, section_path=("二、重点项目",), ordinal=0,
              text="实施河道清淤和岸线整治工程，共投资1200万元。对清理河道垃圾的村级保洁员每人每月补助300元。")
FINES = Chunk(id="r1", source="scheme.md", title=TITLE, section_path=("三、监督管理",), ordinal=1,
              text="向河道倾倒垃圾的，由县水利局责令改正，处500元以上2000元以下罚款。")
RATE = Chunk(id="r2", source="scheme.md", title=TITLE, section_path=("三、监督管理",), ordinal=2,
             text="在河道内违规洗车的，罚款标准为每次200元。")


def answer(chunks: list[Chunk], question: str):  # type: ignore[no-untyped-def]
    composer = composer_of(chunks, TITLE, ISSUER)
    return composer.compose(question, tuple(RetrievedChunk(c, 1.0, k + 1) for k, c in enumerate(chunks)), classify(question))


def test_a_fine_is_not_answered_by_a_sum_invested_or_paid_when_no_fine_is_stated() -> None:
    for question in ("往河里倒垃圾罚多少钱？", "方案规定往河里倒垃圾要罚多少钱？"):  # the second names the document: no total of it either
        draft = answer([FUNDS], question)
        assert draft is not None and draft.intent is Intent.NOT_STATED, draft.text
        assert "1200万元" not in draft.text and "300元" not in draft.text


def test_a_fine_is_answered_by_the_fine_stated_before_or_after_its_figure() -> None:
    draft = answer([FUNDS, FINES], "往河里倒垃圾罚多少钱？")
    assert draft is not None and "500元以上2000元以下罚款" in draft.text and "1200万元" not in draft.text, draft.text
    assert verified(draft)
    draft = answer([FUNDS, RATE], "在河道里洗车罚多少钱？")
    assert draft is not None and "每次200元" in draft.text, draft.text


def test_a_sum_asked_without_a_fine_is_still_answered_by_the_sum() -> None:
    draft = answer([FUNDS, FINES], "河道清淤和岸线整治工程投资多少？")
    assert draft is not None and "1200万元" in draft.text, draft.text


LAW = Chunk(id="r3", source="scheme.md", title=TITLE, section_path=("第三十九条",), ordinal=3,
            text="违反本条例规定，危害河道设施安全的，由县水利局责令停止违法行为，对单位处三万元以上十万元以下罚款，对个人处五千元以下罚款。")


def test_a_fine_written_in_words_is_a_sum_of_money() -> None:
    """Laws write their fines in words (五千元, 三万元以上十万元以下): such a figure answers how much
    money, while the words for a unit alone (万元) are no sum."""
    draft = answer([FUNDS, LAW], "个人危害河道设施安全要罚多少钱？")
    assert draft is not None and draft.intent is not Intent.NOT_STATED and "五千元以下" in draft.text, draft.text
    assert verified(draft)
    vocab = composer_of([LAW], TITLE, ISSUER).vocab
    money = vocab.figure_pattern("money")
    assert money is not None and money.search("每万元产值") is None and money.search("处十万元以下罚款").group(0) == "十万元"
    assert money.search("三十万元").group(0) == "三十万元"  # the whole number, not 十万元 of it
