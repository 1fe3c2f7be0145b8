"""A price per unit applied to the question's own amount (``assistant/answering/rates.py``) and
its verification (``assistant/citations.py``), on hand-made chunks without the embedding model:
the clause whose words the question shares gives the price; no computation without an amount in
the price's unit, or with two prices the words cannot tell apart."""

from __future__ import annotations

import pytest

from assistant.answering import Composer
from assistant.answering.bands import banded
from assistant.answering.rates import per_unit
from assistant.citations import verify
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of

TITLE = "《青山区需求响应实施细则》"
PRICES = Chunk(
    id="p0", source="rules.md", title=TITLE, section_path=("四、补贴价格",), ordinal=0,
    text="固定补贴模式的补贴价格为1.2元/千瓦时，竞价模式的补贴价格上限为2.0元/千瓦时。",
)
BANDS = Chunk(
    id="p1", source="rules.md", title=TITLE, section_path=("五、种植基地奖励",), ordinal=1,
    text="对新建种植基地面积在100亩及以上至500亩的，给予企业100元/亩奖励；对新建面积在500亩以上的，给予企业200元/亩奖励。",
)


@pytest.fixture(scope="module")
def composer() -> Composer:
    return composer_of([PRICES, BANDS], TITLE, "青山区人民政府", "## 四、补贴价格\n…")


def ranked(*chunks: Chunk) -> tuple[RetrievedChunk, ...]:
    return tuple(RetrievedChunk(ch, 1.0 - k / 10, k + 1) for k, ch in enumerate(chunks))


@pytest.mark.parametrize(("question", "written"), [
    ("走固定补贴模式，报了3000千瓦时，能拿多少补贴？", "3000千瓦时×1.2元/千瓦时=3600元"),
    ("竞价模式报了5000千瓦时，最多能拿多少？", "5000千瓦时×2.0元/千瓦时=10000元"),  # the clause the question names
])
def test_the_price_of_the_clause_the_question_names_is_applied_and_verified(composer: Composer, question: str, written: str) -> None:
    draft = per_unit(composer, question, ranked(PRICES))
    assert draft is not None and written in draft.text
    passages = {k: p.chunk.text for k, p in enumerate(draft.passages, 1)}
    assert verify(draft.text, passages, ["3000", "5000"]).ok
    assert not verify(draft.text.replace("=3600元", "=3700元").replace("=10000元", "=11000元"), passages, ["3000", "5000"]).ok


@pytest.mark.parametrize("question", [
    "补贴价格是多少？",  # no amount of the asker's own
    "报了3000千瓦，能拿多少？",  # 千瓦 is not the 千瓦时 the price is per
    "新建600亩基地能拿多少奖励？",  # 100元/亩 or 200元/亩: the words cannot tell (the band can)
])
def test_no_computation_without_one_price_for_the_amount(composer: Composer, question: str) -> None:
    assert per_unit(composer, question, ranked(PRICES, BANDS)) is None


@pytest.mark.parametrize(("question", "written"), [
    ("新建600亩种植基地能拿多少奖励？", "600亩×200元/亩=120000元"),
    ("新建300亩种植基地能拿多少奖励？", "300亩×100元/亩=30000元"),  # 100亩及以上至500亩 is a range
])
def test_the_band_that_holds_the_amount_gives_its_price(composer: Composer, question: str, written: str) -> None:
    draft = banded(composer, question, ranked(BANDS))
    assert draft is not None and written in draft.text
    assert verify(draft.text, {k: p.chunk.text for k, p in enumerate(draft.passages, 1)}, ["600", "300"]).ok
