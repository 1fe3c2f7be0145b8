"""Levels and classes a question names (1级, 第一类) on hand-made chunks, without the
embedding model: the numbers each measure is given, ranges spelled out, and the section of
the asked level answering before an alike section of another."""

from __future__ import annotations

from assistant.answering import Intent
from assistant.answering.levels import agrees, asked_level, levels
from assistant.types import RetrievedChunk

from .handmade import article_chunks, composer_of, verified

TITLE = "《青山区长期照护试行办法》"
ISSUER = "青山区医疗保障局"


def test_levels_are_read_with_their_ranges_and_chinese_numbers() -> None:
    assert levels("照护等级1-2级补贴标准为每人每次2元，3-5级为每人每次4元") == {"级": {1, 2, 3, 4, 5}}
    assert levels("残疾等级被评为一、二级的重度残疾人") == {"级": {1, 2}}
    assert levels("第一类对象每月400元，第二类对象每月200元；一至三档") == {"类": {1, 2}, "档": {1, 2, 3}}
    assert asked_level("享受1级待遇的，最长能享受多久？") == ("级", 1)
    assert asked_level("一级指标和二级指标各有几项？") is None  # two levels: no one asked
    assert asked_level("补贴标准是多少？") is None
    assert agrees(("级", 1), "享受2级待遇的") == -1 and agrees(("级", 1), "享受一级待遇的") == 1
    assert agrees(("级", 1), "待遇标准如下") == 0


def test_the_section_of_the_asked_level_answers_before_an_alike_one_of_another() -> None:
    head2, body2 = article_chunks(TITLE, ("第三章 待遇", "第十五条"), [
        "享受2级待遇的失能人员，其待遇限额标准如下：", "（二）居家护理发生的生活照料费用，限额为每人每月900元，一个有效期内待遇享受最高时长为24个月。",
    ])
    head1, body1 = article_chunks(TITLE, ("第三章 待遇", "第十六条"), [
        "享受1级待遇的失能人员，其待遇限额标准如下：", "（二）居家护理发生的生活照料费用，限额为每人每月300元，一个有效期内待遇享受最高时长为12个月。",
    ], first=2)
    c = composer_of([head2, body2, head1, body1], TITLE, ISSUER)
    ranked = (RetrievedChunk(body2, 0.9, 1), RetrievedChunk(body1, 0.8, 2))
    draft = c.compose("享受1级待遇的，居家护理一个有效期内最长能享受多久？", ranked, Intent.FIGURE)
    assert draft is not None and "12个月" in draft.text and "24个月" not in draft.text, draft and draft.text
    assert verified(draft)
    draft = c.compose("享受2级待遇的，居家护理一个有效期内最长能享受多久？", ranked, Intent.FIGURE)
    assert draft is not None and "24个月" in draft.text, draft and draft.text
