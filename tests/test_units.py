"""The units of ``assistant/data/lexicon/units.yaml`` a figure may carry, on hand-made chunks
without the embedding model: figures in square metres (㎡), in counted things (座, 张, 台), in
power (千瓦), weight (吨) and days (天) are figures a total adds up like amounts of money."""

from __future__ import annotations

import pytest

from assistant.answering.aggregate import over_clauses
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, verified

TITLE = "《青山区社区服务设施建设办法》"
TEXTS = [
    "长者饭堂的食品处理区面积不小于30㎡，集中就餐区使用面积不小于25㎡。",
    "2025年上半年新建口袋公园5座，下半年新建口袋公园8座。",
    "养老机构新增护理型床位120张，社区养老服务站新增床位60张。",
    "采用竞价模式的规模为20万千瓦，采用固定补贴模式的规模为30万千瓦。",
    "餐厨垃圾日处理能力为150吨，其他垃圾日处理能力为400吨。",
    "公示时间为7天，异议处理时间为15天。",
]
CHUNKS = [Chunk(id=f"u{k}", source="rules.md", title=TITLE, section_path=(f"第{k + 1}条",), ordinal=k, text=t) for k, t in enumerate(TEXTS)]


@pytest.mark.parametrize(("k", "question", "expected"), [
    (0, "食品处理区加上集中就餐区，一共至少要多大面积？", "30+25=55㎡"),
    (1, "上半年和下半年一共新建多少座口袋公园？", "5+8=13座"),
    (2, "护理型床位和社区服务站床位加起来一共多少张？", "120+60=180张"),
    (3, "竞价模式和固定补贴模式的规模加起来是多少？", "20+30=50万千瓦"),
    (4, "餐厨垃圾和其他垃圾的日处理能力合计多少？", "150+400=550吨"),
    (5, "公示时间和异议处理时间一共多少天？", "7+15=22天"),
])
def test_figures_in_general_units_are_added(k: int, question: str, expected: str) -> None:
    chunk = CHUNKS[k]
    composer = composer_of([chunk], TITLE, "青山区人民政府")
    draft = over_clauses(composer, question, (RetrievedChunk(chunk, 0.9, 1),))
    assert draft is not None and expected in draft.text
    assert verified(draft)
