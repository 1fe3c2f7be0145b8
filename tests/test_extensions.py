"""A time limit and its extension (``assistant/answering/extensions.py``), on hand-made chunks
without the embedding model: the longest time written out and verified, a limit in the
sentence before its extension, limits in words, and nothing for a question that asks the
extension itself, no longest time, or a unit the passage does not extend."""

from __future__ import annotations

import pytest

from assistant.answering import Composer
from assistant.answering.extensions import Extended, extended, extended_limit
from assistant.citations import verify
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, section_chunks, verified

TITLE = "《青山区人才落户办法》"
REVIEW, OBJECTION, REGISTER, INWORDS = section_chunks(TITLE, [
    ("第八条", "人力资源社会保障部门应当自受理之日起15个工作日内完成审核，有特殊情况的，可以延长10个工作日。"),
    ("第十条", "公示期间有异议的，应当自接到异议之日起20个工作日内完成调查核实，有特殊情况的，可以延长10个工作日。"),
    ("第十九条", "不能当场登记的，应当在3个工作日内予以登记。情形复杂的，经登记机关负责人批准，可以再延长3个工作日。"),
    ("第二十条", "监督管理部门应当自收到投诉之日起三十日内作出处理决定；情况复杂的，可以延长十五日。"),
])


@pytest.fixture(scope="module")
def composer() -> Composer:
    return composer_of([REVIEW, OBJECTION, REGISTER, INWORDS], TITLE, "青山区人民政府")


@pytest.mark.parametrize(("text", "before", "found"), [
    (REVIEW.text, "", Extended("15", "10", "个工作日", 25)),
    ("情形复杂的，经登记机关负责人批准，可以再延长3个工作日。", "不能当场登记的，应当在3个工作日内予以登记。", Extended("3", "3", "个工作日", 6)),
    (INWORDS.text, "", Extended("三十", "十五", "日", 45)),
    ("应当在30日内审核完毕，特殊情况可以延长2个月。", "", None),  # days extended by months: not added
    ("可以延长10个工作日。", "", None),  # no limit stated before it
    ("应当在10日内办结；情况复杂的，可以延长至30日。", "", None),  # extended to 30日, not by: no sum
    ("审核期限为15个工作日。", "", None),  # no extension
])
def test_a_limit_goes_with_its_extension_in_the_same_unit(text: str, before: str, found: Extended | None) -> None:
    assert extended(text, before) == found


def _ranked(first: Chunk) -> tuple[RetrievedChunk, ...]:
    rest = [c for c in (REVIEW, OBJECTION, REGISTER, INWORDS) if c is not first]
    return tuple(RetrievedChunk(c, 0.9 - k / 10, k + 1) for k, c in enumerate([first, *rest[:2]]))


@pytest.mark.parametrize(("question", "first", "expected"), [
    ("审核遇到特殊情况，最长要多少个工作日？", REVIEW, "15+10=25个工作日"),
    ("有人对公示提出异议，调查核实最多要几多个工作日？", REVIEW, "20+10=30个工作日"),  # the passage its words hold
    ("情况复杂的话，登记最长要多少个工作日？", REGISTER, "3+3=6个工作日"),
    ("投诉处理最长要多久？", INWORDS, "30+15=45日"),
])
def test_the_longest_time_is_written_out_and_verified(composer: Composer, question: str, first: Chunk, expected: str) -> None:
    draft = extended_limit(composer, question, _ranked(first))
    assert draft is not None and expected in draft.text
    assert verified(draft)


def test_a_limit_of_the_sentence_before_is_quoted_with_it(composer: Composer) -> None:
    # the sentence extending states a limit too, in another unit (30日内): the one before is the limit extended
    mixed = Chunk(id="e4", source="rules.md", title=TITLE, section_path=("第二十一条",), ordinal=4,
                  text="窗口应当在7个工作日内受理。受理后30日内完成核查，确有困难的，可以延长5个工作日。")
    draft = extended_limit(composer, "受理最长要多少个工作日？", (RetrievedChunk(mixed, 0.9, 1),))
    assert draft is not None and "7个工作日内受理" in draft.text and "7+5=12个工作日" in draft.text
    assert verified(draft)


@pytest.mark.parametrize("question", [
    "审核可以延长几个工作日？",  # the extension itself
    "审核要在多少个工作日内完成？",  # no longest time asked
    "审核最长多少个月？",  # a unit the passage does not extend
])
def test_no_sum_when_the_question_does_not_ask_the_longest_time(composer: Composer, question: str) -> None:
    assert extended_limit(composer, question, _ranked(REVIEW)) is None


@pytest.mark.parametrize(("text", "ok"), [
    ("可以延长十五日[1]。最长共30+15=45日[1]。", True),  # 三十日 and 十五日 stand for 30 and 15
    ("可以延长十五日[1]。最长共30+16=46日[1]。", False),  # 16 is written nowhere
    ("应当在三十日内作出处理决定[1]。即30日[1]。", True),
    ("最长共30+15=45日[2]。", False),  # cited from a passage that does not state them
])
def test_a_length_of_time_in_words_verifies_its_figure(text: str, ok: bool) -> None:
    assert verify(text, {1: INWORDS.text, 2: REVIEW.text}).ok is ok
