"""Bands of a scale: a question stating its own amount is answered with the band that
holds it, and a band's rate is applied to it; a single limit is no scale. Hand-made
chunks, no model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.answering.bands import Band, amounts, band, banded
from assistant.citations import verify

from .test_answering_rules import chunk, composer_over, identity, tokenizer  # noqa: F401  (fixtures)

SCALE = [
    chunk(("第三章 奖励",), "第七条 对符合条件的举报人，按照以下标准给予奖励：\n（一）罚款金额在15万元以下的，按1500元奖励；", 0),
    chunk(("第三章 奖励",), "（二）罚款金额在15万元以上的，50万元以下的，按罚款金额的1%奖励；\n（三）罚款金额在50万元以上的，按罚款金额的2%奖励。", 1),
    chunk(("第四章 损耗",), "原粮储存6个月以内的，不超过0.1%；储存6个月以上12个月以内的，不超过0.15%；储存12个月以上的，不超过0.2%。", 2),
    chunk(("第五章 补贴",), "每件补贴不超过2000元。", 3),
]


@pytest.mark.parametrize("question, stated", [
    ("罚了8万块，能拿多少奖励？", [(Decimal(80000), "元")]),
    ("粮食存了8个月，损耗多少？", [(Decimal(8), "个月")]),
    ("50万元到200万元之间的按百分之几？", [(Decimal(500000), "元"), (Decimal(2000000), "元")]),
    ("2025年的奖励标准是多少？", []),  # a year is no amount
    ("15万元以上的怎么奖励？", []),  # a band of the question's own is no amount
])
def test_the_amounts_a_question_states(question: str, stated: list[tuple[Decimal, str]]) -> None:
    assert amounts(question) == stated


def test_a_band_is_read_from_its_bounds() -> None:
    assert band("罚款金额在15万元以上的，50万元以下的，按罚款金额的1%奖励", "元") == Band(Decimal(150000), Decimal(500000))
    assert band("罚款金额在15万元以下的，按1500元奖励", "元") == Band(None, Decimal(150000))  # 1500元 is no bound
    assert band("储存6个月以上12个月以内的，不超过0.15%", "个月") == Band(Decimal(6), Decimal(12))
    assert band("储存6个月以上12个月以内的，不超过0.15%", "元") is None
    assert band("轮换架空期不得超过4个月", "个月") == Band(None, Decimal(4))  # 不得超过: an upper bound
    assert band("实际工作满3年的", "年") == Band(Decimal(3), None)
    assert Band(Decimal(150000), Decimal(500000)).holds(Decimal(150000))  # 以上 holds its own number
    assert not Band(None, Decimal(150000)).holds(Decimal(150000))


@pytest.mark.parametrize("question, expected, absent", [
    ("我被罚了8万块，举报的能拿多少奖励？", "1500元", "1%"),
    ("罚款30万元，奖励多少？", "1%", "1500元"),
    ("原粮存了8个月，损耗定额是多少？", "0.15%", "0.1%；"),
])
def test_the_band_that_holds_the_amount_is_answered(tokenizer, identity, question: str, expected: str, absent: str) -> None:  # noqa: F811
    composer, ranked = composer_over(SCALE, tokenizer, identity)
    draft = banded(composer, question, ranked)
    assert draft is not None and expected in draft.text and absent not in draft.text


def test_a_scale_that_runs_over_two_chunks_is_one_scale(tokenizer, identity) -> None:  # noqa: F811
    composer, ranked = composer_over(SCALE, tokenizer, identity)
    draft = banded(composer, "罚了8万块，奖励多少？", ranked[1:2])  # only the chunk of the higher bands retrieved
    assert draft is not None and "1500元" in draft.text
    assert draft.passages[int(draft.text.split("[")[1][0]) - 1].chunk.id == "c0"  # cites the chunk it quotes


def test_a_band_rate_is_applied_to_the_amount_and_verified(tokenizer, identity) -> None:  # noqa: F811
    composer, ranked = composer_over(SCALE, tokenizer, identity)
    question = "罚款400万元的话，举报奖励是多少？"
    draft = banded(composer, question, ranked)
    assert draft is not None and "400万元×2%=8万元" in draft.text
    passages = {k: p.chunk.text for k, p in enumerate(draft.passages, 1)}
    assert verify(draft.text, passages, ["400"]).ok
    assert not verify(draft.text, passages).ok  # 400 is the question's: unverified without it
    assert not verify(draft.text.replace("=8万元", "=9万元"), passages, ["400"]).ok


def test_of_two_goods_on_one_scale_the_one_asked_about(tokenizer, identity) -> None:  # noqa: F811
    goods = [chunk(("第四章 损耗",), "原粮储存6个月以内的，不超过0.1%；储存6个月以上的，不超过0.15%。\n"
                   "食用植物油储存6个月以内的，不超过0.05%；储存6个月以上的，不超过0.08%;油料：储存6个月以内的，不超过0.2%。", 0)]
    composer, ranked = composer_over(goods, tokenizer, identity)
    draft = banded(composer, "食用植物油储存了8个月，损耗定额多少？", ranked)
    assert draft is not None and "0.08%" in draft.text and "0.15%" not in draft.text
    draft = banded(composer, "油料放了3个月，损耗多少？", ranked)  # a good after a half-width semicolon
    assert draft is not None and "0.2%" in draft.text and "0.05%" not in draft.text
    assert banded(composer, "存了3个月，损耗多少？", ranked) is None  # three goods, none named


def test_no_scale_no_band_answer(tokenizer, identity) -> None:  # noqa: F811
    composer, ranked = composer_over(SCALE, tokenizer, identity)
    assert banded(composer, "买了5000元的冰箱，补贴多少？", ranked) is None  # one limit is no scale
    assert banded(composer, "奖励标准是什么？", ranked) is None  # no amount asked about
