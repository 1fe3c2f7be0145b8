"""Things a sentence gives figures respectively (``assistant/answering/respectively.py``), on
hand-made chunks without the embedding model: the list paired with its figures in order, the
total or difference of the things a question names (or counts), verified; nothing when the
list and the figures are not as many, or the question names fewer than two of the things."""

from __future__ import annotations

import re

import pytest

from assistant.answering import Composer
from assistant.answering.respectively import paired, respective
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, verified

TITLE = "《青山区支持青年创业实施办法》"
AWARDS = Chunk(
    id="a0", source="rules.md", title=TITLE, section_path=("第五条",), ordinal=0,
    text="对实现“小升规”“规改股”“股上市”三个发展目标的企业分别给予10万元、20万元和50万元的一次性奖励。",
)
LEVELS = Chunk(
    id="a1", source="rules.md", title=TITLE, section_path=("第三条",), ordinal=1,
    text="被科技、人社部门评定为国家级、省级、市级创业孵化载体的区内孵化载体，分别给予每家80万元、30万元、20万元一次性建设支持。",
)
FIGURE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:万元|元|%)")


@pytest.fixture(scope="module")
def composer() -> Composer:
    return composer_of([AWARDS, LEVELS], TITLE, "青山区人民政府")


RANKED = (RetrievedChunk(AWARDS, 0.9, 1), RetrievedChunk(LEVELS, 0.8, 2))


@pytest.mark.parametrize(("sentence", "items", "figures"), [
    (AWARDS.text, ("小升规", "规改股", "股上市"), ("10万元", "20万元", "50万元")),
    (LEVELS.text, ("国家级", "省级", "市级"), ("80万元", "30万元", "20万元")),
    ("一等奖和二等奖分别奖励5万元、3万元。", ("一等奖", "二等奖"), ("5万元", "3万元")),
    ("新列入国家级和省级“专精特新”中小企业，分别给予企业30万元和10万元奖励。", ("新列入国家级", "省级"), ("30万元", "10万元")),
])
def test_a_list_is_paired_with_the_figures_it_is_given_respectively(sentence: str, items: tuple, figures: tuple) -> None:
    assert paired(sentence, FIGURE) == (items, figures)


@pytest.mark.parametrize("sentence", [
    "甲、乙、丙三类企业分别给予10万元、20万元奖励。",  # three things, two figures
    "上下限分别按0.4元、0.2元执行。",  # no list before 分别
    "奖励分别为10万元、20%。",  # figures in different units
])
def test_nothing_is_paired_when_the_list_and_the_figures_do_not_match(sentence: str) -> None:
    assert paired(sentence, FIGURE) is None


@pytest.mark.parametrize(("question", "expected"), [
    ("小升规、规改股、股上市都做到了，这三项奖励加起来一共多少钱？", "10+20+50=80万元"),
    ("先评上市级，后来又评上国家级，两次建设支持加起来一共多少？", "80+20=100万元"),
    ("国家级载体比省级的多拿多少钱？", "80-30=50万元"),
    ("这三项奖励加起来一共多少钱？", "10+20+50=80万元"),  # counts as many as the list has
])
def test_the_things_a_question_names_are_added_or_subtracted(composer: Composer, question: str, expected: str) -> None:
    draft = respective(composer, question, RANKED)
    assert draft is not None and expected in draft.text
    assert verified(draft)


@pytest.mark.parametrize("question", [
    "小升规的奖励一共多少钱？",  # one thing named: nothing to add up
    "这两项奖励加起来一共多少钱？",  # counts two, the list has three
    "小升规和规改股分别奖励多少？",  # neither a total nor a difference
    "实现了小升规，又认定为高新技术企业，两项奖励加起来多少？",  # one of the list and another thing
])
def test_no_answer_when_fewer_than_two_things_are_named_or_nothing_is_combined(composer: Composer, question: str) -> None:
    assert respective(composer, question, RANKED) is None
