"""The two ends of one range compared (罚款上下限差多少, 最高额是最低额的几倍), on hand-made chunks
without the embedding model: the range whose case holds the question's words, its upper figure
less (or over) its lower one, written out so that the verification checks it; nothing when the
question names one end only or no range of its words is stated."""

from __future__ import annotations

import re

import pytest

from assistant.answering import Intent
from assistant.answering.spread import asks_spread, ranges_in, spread
from assistant.answering.understanding import classify
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, verified

TITLE = "《青山县供热管理规定》"
ISSUER = "青山县人民代表大会常务委员会"
FINES = Chunk(id="h0", source="heat.md", title=TITLE, section_path=("第五章 法律责任", "第三十条"), ordinal=0,
              text="用户擅自改动供热设施的，由主管部门责令限期改正；逾期不改正的，对单位用户处一万元以上五万元以下罚款，"
                   "对个人用户处五百元以上二千元以下罚款。")
OTHER = Chunk(id="h1", source="heat.md", title=TITLE, section_path=("第五章 法律责任", "第三十一条"), ordinal=1,
              text="供热企业未按时供热的，处五万元以上十万元以下罚款。")
NO_RANGE = Chunk(id="h2", source="heat.md", title=TITLE, section_path=("第三章 供热", "第十二条"), ordinal=2,
                 text="供热期为每年11月1日至次年3月31日，室温不低于18℃。")
MONEY = re.compile(r"[一二三四五六七八九十百千万\d]+元")


def ask(chunks: list[Chunk], question: str):  # type: ignore[no-untyped-def]
    composer = composer_of(chunks, TITLE, ISSUER)
    return spread(composer, question, tuple(RetrievedChunk(c, 1.0, k + 1) for k, c in enumerate(chunks)))


@pytest.mark.parametrize("question, asked", [
    ("罚款上下限差多少钱？", True), ("最高额是最低额的几倍？", True), ("罚款的上限比下限多多少？", True),
    ("最高罚多少？", False),  # one end, no comparison
    ("单位和个人的最高罚款差多少？", False),  # two cases' highest: a comparison of sides, not of one range's ends
    ("罚款最高多少，最低多少？", False),  # both ends, no difference or multiple asked
])
def test_a_question_compares_the_two_ends_of_a_range(question: str, asked: bool) -> None:
    assert asks_spread(question) is asked


def test_the_range_a_clause_states() -> None:
    assert ranges_in("对个人用户处五百元以上二千元以下罚款", MONEY) == ("五百元", "二千元")
    assert ranges_in("补助标准为300元至800元", MONEY) == ("300元", "800元")
    assert ranges_in("处五千元罚款", MONEY) is None  # one figure
    assert ranges_in("对单位处一万元罚款，对个人处五百元罚款", MONEY) is None  # two figures, no range between them
    assert ranges_in("处二千元以上五百元以下罚款", MONEY) is None  # not a range from low to high


def test_the_range_of_the_case_asked_gives_its_difference_and_its_multiple() -> None:
    draft = ask([FINES, OTHER], "个人用户改动供热设施，罚款最高额和最低额相差多少钱？")
    assert draft is not None and draft.intent is Intent.AGGREGATE, draft
    assert "五百元以上二千元以下" in draft.text and "2000-500=1500元" in draft.text and "五万元" not in draft.text
    assert verified(draft)
    draft = ask([FINES], "擅自改动供热设施、逾期不改的个人，最高罚款比最低罚款多多少钱？")  # the case both share counts for each
    assert draft is not None and "2000-500=1500元" in draft.text, draft
    draft = ask([OTHER, FINES], "供热企业未按时供热的，罚款上限是下限的几倍？")
    assert draft is not None and "10÷5≈2倍" in draft.text and verified(draft), draft


def test_no_spread_without_a_range_of_the_question_s_words() -> None:
    assert ask([NO_RANGE], "室温最高和最低差多少度？") is None  # no range stated in the asked measure
    assert ask([FINES], "罚款最高是多少？") is None


def test_the_composer_answers_the_spread_of_a_range() -> None:
    composer = composer_of([FINES, OTHER], TITLE, ISSUER)
    question = "对单位用户的罚款，最高额是最低额的几倍？"
    draft = composer.compose(question, (RetrievedChunk(FINES, 1.0, 1), RetrievedChunk(OTHER, 0.9, 2)), classify(question))
    assert draft is not None and "5÷1≈5倍" in draft.text and verified(draft), draft
