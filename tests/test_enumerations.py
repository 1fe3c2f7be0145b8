"""Lists written inside a paragraph, found from their markers, and the answers built on them:
every item for a list question, the items counted for a count question (in the form the
verification checks). Hand-made chunks, no embedding model."""

from __future__ import annotations

import pytest

from assistant.answering import Intent
from assistant.answering.enumerations import enumeration
from assistant.citations import verify
from assistant.identity import derive_identity
from assistant.text import ChineseTokenizer

from .test_answering_rules import DOCUMENT, chunk, composer_over

CONDITIONS = chunk(
    ("三、申报条件",),
    "申报企业需要具备以下基本条件：（一）在本县依法登记；（二）年度产值在2000万元以上；（三）近3年无重大安全事故。",
    40,
)
STEPS = chunk(("四、申报流程",), "①提交材料。企业在系统中填报。②现场核验。核验后公示。③公布名单。", 41)


@pytest.mark.parametrize(
    ("text", "heads"),
    [
        (CONDITIONS.text, ("在本县依法登记", "年度产值在2000万元以上", "近3年无重大安全事故")),
        (STEPS.text, ("提交材料", "现场核验", "公布名单")),
        ("目标：1. 建设A；2. 建设B；3. 建设C。其他内容。", ("建设A", "建设B", "建设C")),
        ("（1）甲；（2）乙。", ("甲", "乙")),
        ("推广以下技术：㈠节能门窗；㈡太阳能；㈢节水器具。", ("节能门窗", "太阳能", "节水器具")),  # (一) as one character
        ("⑴甲；⑵乙。", ("甲", "乙")),
        ("报送的原则：一是及时报送。当天报送。二是准确报送。三是全面兼顾。", ("及时报送", "准确报送", "全面兼顾")),
        ("这一是非问题。", None),  # 一是 inside a sentence opens no list
        ("第1条 总则。投资2.5亿元。", None),  # a clause number and a decimal are no list
        ("（一）甲；（三）丙。", None),  # a gap: not one list
        ("只有（一）一项。", None),
    ],
)
def test_an_enumeration_is_a_run_of_markers_numbered_from_one(text: str, heads) -> None:
    found = enumeration(text)
    assert (found.heads if found else None) == heads


def test_the_lead_is_the_text_before_the_first_marker() -> None:
    found = enumeration(CONDITIONS.text)
    assert found is not None and found.lead == "申报企业需要具备以下基本条件："


@pytest.fixture(scope="module")
def composed():
    return composer_over([CONDITIONS, STEPS], ChineseTokenizer(), derive_identity([DOCUMENT]))


def test_a_list_question_gets_every_item_of_the_enumeration(composed) -> None:
    c, ranked = composed
    draft = c.compose("申报需要哪些基本条件？", ranked, Intent.LIST)
    assert draft is not None and draft.intent is Intent.LIST
    assert all(h in draft.text for h in ("在本县依法登记", "年度产值在2000万元以上", "近3年无重大安全事故")), draft.text


def test_a_count_question_gets_the_items_counted_and_the_count_verifies(composed) -> None:
    c, ranked = composed
    draft = c.compose("申报的基本条件一共有几条？", ranked, Intent.FIGURE)
    assert draft is not None and "共3条" in draft.text, draft.text
    assert verify(draft.text, {k: p.chunk.text for k, p in enumerate(draft.passages, 1)}).ok
    # a count of other items than listed would not verify
    assert not verify(draft.text.replace("共3条", "共4条"), {1: CONDITIONS.text}).ok


def test_an_enumeration_about_something_else_is_not_the_answer(composed) -> None:
    c, ranked = composed
    draft = c.compose("一共有几个奖项？", ranked, Intent.FIGURE)
    assert draft is None or "共3条" not in draft.text
