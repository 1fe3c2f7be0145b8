"""Totals of the things a question lists (``assistant/answering/items.py``), on hand-made
chunks without the embedding model: each item's figure from the clause that holds its words,
the sum written out and verified; no answer when an item has no clause or the units differ."""

from __future__ import annotations

import pytest

from assistant.answering import FIRST, HANDLERS, Composer, SentenceScorer, Vocabulary
from assistant.answering.items import items_total, listed_items
from assistant.citations import verify
from assistant.identity import derive_identity
from assistant.text import ChineseTokenizer
from assistant.types import Chunk, Document, RetrievedChunk
from assistant.wording import Wording

TITLE = "《青山区城市更新年度实施计划》"
TASKS = Chunk(
    id="c0", source="plan.md", title=TITLE, section_path=("一、行动任务", "（三）设施优化行动"), ordinal=0,
    text="7.实施7公里燃气老化管道改造。（牵头单位：区建设管理委）\n8.实施24公里老旧供水管道改造。（牵头单位：区水务局）\n"
         "9.新增公共停车泊位1200个。（牵头单位：区交通委）",
)
PARKS = Chunk(
    id="c1", source="plan.md", title=TITLE, section_path=("一、行动任务", "（四）公共空间行动"), ordinal=1,
    text="10.新建口袋公园15座，改造绿道3.5公里。（牵头单位：区绿化市容局）",
)


@pytest.fixture(scope="module")
def composer() -> Composer:
    identity = derive_identity([Document("plan.md", TITLE, "## 一、行动任务\n…", {"issuer": "青山区人民政府"})])
    vocab = Vocabulary.from_chunks([TASKS, PARKS])
    return Composer(vocab, SentenceScorer(vocab, ChineseTokenizer()), Wording(identity), HANDLERS, FIRST)


RANKED = (RetrievedChunk(TASKS, 0.9, 1), RetrievedChunk(PARKS, 0.8, 2))


def test_the_items_are_what_the_question_lists_before_its_total_word() -> None:
    assert listed_items("燃气管道和供水管道改造加起来一共多少公里？") == ["燃气管道", "供水管道改造"]
    assert listed_items("请问，燃气管道、供水管道、绿道合计多少公里？") == ["燃气管道", "供水管道", "绿道"]
    assert listed_items("燃气管道改造一共多少公里？") == []  # one thing: nothing to add up
    assert listed_items("燃气管道和供水管道分别多少公里？") == []  # no total asked


def test_the_figures_of_the_listed_items_are_added_and_verified(composer: Composer) -> None:
    draft = items_total(composer, "燃气老化管道和老旧供水管道改造加起来一共多少公里？", RANKED)
    assert draft is not None and "7+24=31公里" in draft.text
    assert verify(draft.text, {k: p.chunk.text for k, p in enumerate(draft.passages, 1)}).ok
    across = items_total(composer, "供水管道改造和绿道加起来一共多少公里？", RANKED)
    assert across is not None and "24+3.5=27.5公里" in across.text  # items of two passages, each cited


@pytest.mark.parametrize("question", [
    "燃气管道和地铁线路加起来一共多少公里？",  # 地铁 is stated nowhere
    "供水管道和口袋公园加起来一共多少？",  # 公里 and 座 do not add up
    "供水管道和停车泊位加起来一共多少公里？",  # 泊位 are counted in 个, the question asks 公里
])
def test_no_total_when_an_item_or_the_unit_does_not_fit(composer: Composer, question: str) -> None:
    assert items_total(composer, question, RANKED) is None
