"""“Which N” questions: answered from a list of N things when the passages hold one (a
、-list, numbered lines, a heading's parts), and not stated when the document only names
the group by its count. Hand-made chunks, no model."""

from __future__ import annotations

import pytest

from assistant.answering import Intent, classify
from assistant.answering.members import list_sizes, members

from .test_answering_rules import chunk, composer_over, identity, tokenizer  # noqa: F401  (fixtures)

CHUNKS = [
    chunk(("一、总体要求",), "做大做强“三大产业”，推进绿色发展。", 0),
    chunk(("二、重点任务", "（一）治水"), "开展河道清淤。", 1),
    chunk(("二、重点任务", "（二）治气"), "淘汰燃煤锅炉。", 2),
    chunk(("二、重点任务", "（三）治土"), "修复污染地块。", 3),
    chunk(("三、工作步骤",), "工作分为“动员部署、组织实施、总结验收”三个阶段。", 4),
    chunk(("四、基本原则",), "1. 政府主导\n2. 群众参与\n3. 分步实施", 5),
]


@pytest.mark.parametrize("text, sizes", [
    ("分为动员部署、组织实施、总结验收三个阶段。", {3}),
    ("包括治水、治气和治土。", {3}),
    ("1. 政府主导\n2. 群众参与", {2}),
    ("需要以下条件：（一）年满18周岁；（二）本地户籍；（三）无犯罪记录。", {3}),
    ("做大做强三大产业。", set()),
    ("支持战略新兴、医药健康、现代服务业、特色农业四个重点产业规模化、集群化、高端化发展。", {4, 6}),  # the whole clause, and the part before 四个
    ("发挥合作区和经济带两大平台作用。", {2}),  # two joined by 和
    ("按照《管理规程》《建设指标》设置。", {2}),  # a run of book titles
])
def test_list_sizes(text: str, sizes: set[int]) -> None:
    assert list_sizes(text) == sizes


@pytest.mark.parametrize("question, index, stated", [
    ("“三大产业”具体是指哪三个？", [0], False),  # named by its count, never listed
    ("重点任务是哪三个方面？", [1, 2, 3], True),  # a heading with three parts
    ("工作分哪三个阶段？", [4], True),  # a 、-list of three
    ("基本原则是哪三条？", [5], True),  # three numbered lines
    ("工作分哪四个阶段？", [4], True),  # the passage counts three 阶段: a false premise, answered with the list
    ("基本原则是哪四条？", [5], False),  # no list of four, and no other count of 原则
])
def test_which_n_members_are_stated_only_with_a_list_of_n(tokenizer, identity, question: str, index: list[int], stated: bool) -> None:  # noqa: F811
    c, ranked = composer_over(CHUNKS, tokenizer, identity)
    draft = members(c, question, tuple(ranked[i] for i in index))
    assert (draft is None) is stated
    if not stated:
        assert draft is not None and draft.intent is Intent.NOT_STATED and "具体所指" in draft.text


def test_which_two_years_asks_for_years_not_members(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over(CHUNKS, tokenizer, identity)
    assert members(c, "规划的起止是哪两年？", ranked[:1]) is None


def test_the_group_is_named_in_what_is_not_stated(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over(CHUNKS, tokenizer, identity)
    assert members(c, "三大产业是哪三个？", ranked[:1]).text.startswith("三大产业")  # type: ignore[union-attr]


@pytest.mark.parametrize("question", ["重点任务是哪三个方面？", "分哪五个领域？", "原则是哪四条"])
def test_which_n_asks_for_a_list(question: str) -> None:
    assert classify(question) is Intent.LIST
