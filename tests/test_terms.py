"""An amount per period over the longest term (``assistant/answering/terms.py``), on hand-made
chunks without the embedding model: the product written out and verified, the passage the
question's words hold most, nothing for periods that differ or a question with no total."""

from __future__ import annotations

import pytest

from assistant.answering import Composer
from assistant.answering.terms import Term, over_term, term_total
from assistant.citations import verify
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, verified

TITLE = "《青山区支持青年就业实施办法》"
TRAFFIC = Chunk(
    id="t0", source="rules.md", title=TITLE, section_path=("第八条",), ordinal=0,
    text="连续就业满1年的青年，在职期间可领取每人每年3000元交通补贴，补贴期限最长为2年，单个企业最多申报5人。",
)
RENT = Chunk(
    id="t1", source="rules.md", title=TITLE, section_path=("第五条",), ordinal=1,
    text="对入驻孵化载体的企业给予租金补贴，每个企业租金补贴每年不超过5万元、补贴期限最长不超过3年。",
)


@pytest.fixture(scope="module")
def composer() -> Composer:
    return composer_of([TRAFFIC, RENT], TITLE, "青山区人民政府")


@pytest.mark.parametrize(("sentence", "term"), [
    (TRAFFIC.text, Term("3000", "元", "2", "年")),
    (RENT.text, Term("5", "万元", "3", "年")),
    ("见习期间每月发放1500元生活补贴，期限最长6个月。", Term("1500", "元", "6", "个月")),
    ("每月发放1500元生活补贴，期限最长2年。", None),  # a month's amount over years: not multiplied here
    ("每年发放3000元补贴。", None),  # no term
])
def test_an_amount_per_period_goes_with_a_term_of_that_period(sentence: str, term: Term | None) -> None:
    assert over_term(sentence) == term


@pytest.mark.parametrize(("question", "first", "expected"), [
    ("交通补贴按最长期限算总共能拿多少？", TRAFFIC, "3000元×2年=6000元"),
    ("租金补贴按最长期限算一共最多能拿多少？", RENT, "5万元×3年=15万元"),
])
def test_the_amount_over_the_term_is_written_out_and_verified(composer: Composer, question: str, first: Chunk, expected: str) -> None:
    ranked = tuple(RetrievedChunk(c, 0.9 - k / 10, k + 1) for k, c in enumerate([first, *(c for c in (TRAFFIC, RENT) if c is not first)]))
    draft = term_total(composer, question, ranked)
    assert draft is not None and expected in draft.text
    assert verified(draft)


def test_no_total_asked_no_product(composer: Composer) -> None:
    assert term_total(composer, "交通补贴每年多少钱？", (RetrievedChunk(TRAFFIC, 0.9, 1),)) is None


@pytest.mark.parametrize(("text", "ok"), [
    ("每人每年3000元，期限最长为2年[1]。按最长期限计算：3000元×2年=6000元[1]。", True),
    ("每人每年3000元，期限最长为2年[1]。按最长期限计算：3000元×2年=7000元[1]。", False),  # a wrong product
    ("每人每年3000元，期限最长为2年[1]。按最长期限计算：3000元×3年=9000元[1]。", False),  # a term the passage does not state
])
def test_a_product_over_a_term_is_verified(text: str, ok: bool) -> None:
    assert verify(text, {1: TRAFFIC.text}).ok is ok


REVIEW = Chunk(
    id="t2", source="rules.md", title=TITLE, section_path=("第九条",), ordinal=2,
    text="区民政部门于每年4月1日至6月20日组织开展资格复核工作。",
)


@pytest.mark.parametrize(("sentence", "expected"), [
    (REVIEW.text, [("4月1日至6月20日", 81)]),
    ("申报时间为2024年1月15日—3月15日。", [("2024年1月15日—3月15日", 61)]),  # a leap year named
    ("受理时间为1月15日至3月15日。", []),  # 28 or 29 days of February: the year is not stated
    ("6月20日至4月1日。", []),  # no range backwards
])
def test_a_date_range_lasts_its_days_both_ends_counted(sentence: str, expected: list) -> None:
    from assistant.answering.spans import days

    assert days(sentence) == expected


def test_the_days_of_a_range_are_written_out_and_verified(composer: Composer) -> None:
    from assistant.answering.spans import date_span

    draft = date_span(composer, "资格复核那段时间总共有多少天？", (RetrievedChunk(REVIEW, 0.9, 1),))
    assert draft is not None and "4月1日至6月20日共81天" in draft.text
    assert verify(draft.text, {1: REVIEW.text}).ok
    assert not verify("4月1日至6月20日共80天[1]。", {1: REVIEW.text}).ok
    assert date_span(composer, "资格复核在什么时候？", (RetrievedChunk(REVIEW, 0.9, 1),)) is None
