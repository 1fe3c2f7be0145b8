"""A count question is answered by a figure of what it counts, on hand-made chunks without
the embedding model: 几个人 by “不少于2人”, not by the “3个工作日” of a passage ranked higher."""

from __future__ import annotations

from assistant.answering import Intent
from assistant.answering.figures import counted_measures
from assistant.types import Chunk

from .test_answering_rules import composer_over, identity, tokenizer  # noqa: F401  (fixtures)

TITLE = "《青山县临时救助实施细则》"


def chunk(text: str, n: int) -> Chunk:
    return Chunk(id=f"c{n}", source="rules.md", title=TITLE, section_path=("第十条",), text=text, ordinal=n)


DAYS = chunk("区民政部门应当自收到协助请求之日起3个工作日内完成入户调查核实。", 1)
PEOPLE = chunk("入户调查人员应当不少于2人，并在调查时出示有效证件。", 2)


def test_the_measure_is_what_the_count_is_of() -> None:
    assert counted_measures("入户调查人员至少要几个人？") == ("个?人", "个")
    assert counted_measures("要几个工作日？") == ("个?工", "个")
    assert counted_measures("有几条河？") == ("条|项",)
    assert counted_measures("一共几个？") == ("个",)  # nothing follows: any figure counted in 个
    assert counted_measures("投资多少？") == ()


def test_how_many_people_is_answered_by_a_figure_of_people(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over([DAYS, PEOPLE], tokenizer, identity)  # the days first
    draft = c.compose("入户调查人员至少要几个人？", ranked, Intent.FIGURE)
    assert "不少于2人" in draft.text and "3个工作日" not in draft.text
    assert "3个工作日" in c.compose("入户调查要几个工作日？", ranked, Intent.FIGURE).text
    # nothing is stated of what follows 个 (多少个才够): a figure of 个 answers
    assert "3个工作日" in c.compose("入户调查要多少个才能完成？", ranked[:1], Intent.FIGURE).text


HOURS = chunk("申报时间为2025年10月10日9时至2025年11月10日17时，逾期不予受理。", 3)
MEALS = chunk("长者饭堂运营机构按实际就餐人次享受运营补贴，每人每次3元。", 4)


def test_what_time_is_answered_by_a_time_of_day_or_not_at_all(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over([HOURS, MEALS], tokenizer, identity)
    assert "17时" in c.compose("申报截止时间是几点？", ranked, Intent.FIGURE).text
    c, ranked = composer_over([MEALS, HOURS], tokenizer, identity)
    draft = c.compose("长者饭堂运营机构中午几点开饭？", ranked[:1], Intent.FIGURE)
    assert draft.intent is Intent.NOT_STATED and "3元" not in draft.text  # a price is no time of day


def test_points_made_are_counted_not_timed() -> None:
    from assistant.answering.understanding import unit_of

    assert unit_of("那最后一天几点截止？") == "clock"
    assert unit_of("文件提出了几点意见？") != "clock"
