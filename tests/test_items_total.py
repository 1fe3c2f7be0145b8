"""Totals of the things a question lists (``assistant/answering/items.py``), on hand-made
chunks without the embedding model: each item's figure from the clause that holds its words,
the sum written out and verified; no answer when an item has no clause or the units differ."""

from __future__ import annotations

import pytest

from assistant.answering import Composer
from assistant.answering.items import compared_items, items_total, listed_items
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, verified

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
    return composer_of([TASKS, PARKS], TITLE, "青山区人民政府", "## 一、行动任务\n…")


RANKED = (RetrievedChunk(TASKS, 0.9, 1), RetrievedChunk(PARKS, 0.8, 2))


def test_the_items_are_what_the_question_lists_before_its_total_word() -> None:
    assert listed_items("燃气管道和供水管道改造加起来一共多少公里？") == ["燃气管道", "供水管道改造"]
    assert listed_items("请问，燃气管道、供水管道、绿道合计多少公里？") == ["燃气管道", "供水管道", "绿道"]
    assert listed_items("燃气管道改造一共多少公里？") == []  # one thing: nothing to add up
    assert listed_items("燃气管道和供水管道分别多少公里？") == []  # no total asked


def test_the_figures_of_the_listed_items_are_added_and_verified(composer: Composer) -> None:
    draft = items_total(composer, "燃气老化管道和老旧供水管道改造加起来一共多少公里？", RANKED)
    assert draft is not None and "7+24=31公里" in draft.text
    assert verified(draft)
    across = items_total(composer, "供水管道改造和绿道加起来一共多少公里？", RANKED)
    assert across is not None and "24+3.5=27.5公里" in across.text  # items of two passages, each cited


@pytest.mark.parametrize("question", [
    "燃气管道和地铁线路加起来一共多少公里？",  # 地铁 is stated nowhere
    "供水管道和口袋公园加起来一共多少？",  # 公里 and 座 do not add up
    "供水管道和停车泊位加起来一共多少公里？",  # 泊位 are counted in 个, the question asks 公里
])
def test_no_total_when_an_item_or_the_unit_does_not_fit(composer: Composer, question: str) -> None:
    assert items_total(composer, question, RANKED) is None


# ----------------------------------------------------------------------------- figures in one sentence, rows, differences
RATES = Chunk(
    id="r0", source="rules.md", title=TITLE, section_path=("四、补贴标准",), ordinal=2,
    text="固定补贴价格模式的补贴价格为1.2元/千瓦时，竞价模式的补贴价格上限为2.0元/千瓦时。\n"
         "市级储备粮（原粮）轮换价差补贴标准为750元／吨，食用植物油轮换价差补贴标准为700元／吨。"
         "其中，市级储备粮（原粮）保管费每年100元／吨，食用植物油保管费每年300元／吨。\n"
         "实习企业可申请每人每月1500元的实习补贴和每人每月350元的住宿补贴。聘用青年的，工资补贴标准为每人每月2500元。\n"
         "轮换架空期不得超过4个月。因客观原因需要延长的，最多可延长2个月。",
)
TARGETS = Chunk(
    id="r1", source="rules.md", title=TITLE, section_path=("五、主要指标",), ordinal=3,
    text="家庭医生人数比上一年增加，2023年力争每万常住人口达到4名，2025年达到4.66名。\n"
         "类别：养老方面；指标名称：累计培养培训养老护理员人数（人）；2020年完成值：336；2025年目标值：1000。",
)
OTHER = Chunk(
    id="r2", source="rules.md", title=TITLE, section_path=("六、人员配备",), ordinal=4,
    text="力争2025年每千常住人口基层卫生人员数不低于3.5人。",
)


@pytest.fixture(scope="module")
def rules() -> tuple[Composer, tuple[RetrievedChunk, ...]]:
    composer = composer_of([RATES, TARGETS, OTHER], TITLE, "青山区人民政府", "## 四、补贴标准\n…")
    return composer, (RetrievedChunk(RATES, 0.9, 1), RetrievedChunk(TARGETS, 0.8, 2), RetrievedChunk(OTHER, 0.7, 3))


def test_the_things_a_question_compares_are_read_from_its_comparison() -> None:
    assert compared_items("竞价模式的补贴上限比固定补贴价格高出多少钱？") == ["竞价模式的补贴上限", "固定补贴价格"]
    assert compared_items("家庭医生数从2023年到2025年要增加多少？") == ["2023年", "2025年"]
    assert compared_items("拆套使用和宿舍改建的人均面积下限差多少？") == ["拆套使用", "宿舍改建的人均面积下限"]
    assert compared_items("补贴比例是多少？") == []  # 比例 compares nothing
    assert listed_items("架空期上限加上最多可延长的时间，一共最长能空多久？") == ["架空期上限", "最多可延长的时间"]
    assert listed_items("进口水果的运费补贴加上进口补贴，每吨合计多少？") == ["进口水果的运费补贴", "进口补贴"]  # the clause before


@pytest.mark.parametrize(("question", "written"), [
    ("竞价模式的补贴上限比固定补贴价格高出多少钱？", "2.0-1.2=0.8元/千瓦时"),  # two clauses of one sentence
    ("原粮的保管费和轮换价差补贴加起来一共多少钱？", "100+750=850元／吨"),  # the 价差补贴 of 原粮, not of 食用植物油
    ("工资补贴和住宿补贴每月一共多少钱？", "2500+350=2850元"),  # 350元 goes with the 住宿补贴 after it, not 1500元
    ("架空期上限加上最多可延长的时间，一共最长能空多久？", "4+2=6个月"),
    ("家庭医生数从2023年到2025年要增加多少？", "4.66-4=0.66名"),  # the 2025 figure of the 2023 figure's sentence
    ("养老护理员培训人数2025年比2020年要多出多少人？", "1000-336=664"),  # a table row's cells
])
def test_the_figures_the_question_names_are_combined_and_verified(rules, question: str, written: str) -> None:
    composer, ranked = rules
    draft = items_total(composer, question, ranked)
    assert draft is not None and written in draft.text
    assert verified(draft)


PRICES = Chunk(
    id="c5", source="rules.md", title="《青山县需求响应实施细则》", section_path=("四、补贴价格",), ordinal=5,
    text="固定补贴模式的补贴价格为1.2元/千瓦时，竞价模式的补贴价格上限为2.0元/千瓦时。",
)
SCALE = Chunk(
    id="c6", source="rules.md", title="《青山县需求响应实施细则》", section_path=("二、实施时间",), ordinal=6,
    text="预计响应总规模为50万千瓦，其中竞价模式的规模为20万千瓦，固定补贴模式的规模为30万千瓦。",
)


def test_figures_of_another_quantity_than_the_one_asked_are_not_added_up() -> None:
    from assistant.answering.aggregate import unsaid_quantity
    from assistant.answering.respectively import respective

    c = composer_of([PRICES, SCALE], "《青山县需求响应实施细则》", "青山县工业和信息化局", "## 四、补贴价格\n…")
    ranked = (RetrievedChunk(PRICES, 0.9, 1), RetrievedChunk(SCALE, 0.8, 2))
    asked = "竞价模式和固定补贴模式的规模加起来是多少？"
    assert unsaid_quantity(c, asked, [f"补贴价格 {PRICES.text}"], ["1.2元/千瓦时", "2.0元/千瓦时"]) == "规模"
    assert unsaid_quantity(c, asked, [f"实施时间 {SCALE.text}"], ["20万千瓦", "30万千瓦"]) is None
    # a quantity the documents state no figure of (上限 here) is no reason to hold a total back
    assert unsaid_quantity(c, "价格的上限相差多少？", ["补贴价格 …"], ["1.2元/千瓦时"]) is None
    assert items_total(c, asked, ranked[:1]) is None  # the prices are no 规模
    assert respective(c, asked, ranked[:1]) is None
    prices = items_total(c, "竞价模式和固定补贴模式的补贴价格加起来是多少？", ranked[:1])
    assert prices is not None and "3.2" in prices.text and verified(prices)  # what is asked is added up
