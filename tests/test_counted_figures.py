"""A count question is answered by a figure of what it counts, on hand-made chunks without
the embedding model: 几个人 by “不少于2人”, not by the “3个工作日” of a passage ranked higher."""

from __future__ import annotations

from assistant.answering import Intent
from assistant.answering.figures import counted_measures
from assistant.types import Chunk

from .handmade import verified
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


ROADS = [
    chunk("村道用地外缘起向外五十米、隧道上方和洞口外一百米范围内禁止从事采石、爆破等活动。", 5),
    chunk("供热企业应当保证采暖期内用户卧室、起居室的温度不低于十八摄氏度。", 6),
    chunk("按照供热面积核算的基本热价不得超过全部按照供热面积核算热价的百分之三十。", 7),
    chunk("县级人民政府应当建立一人一档的管理制度，责任落实到人。", 8),
]


def test_a_figure_written_in_words_answers_how_much(tokenizer, identity) -> None:  # noqa: F811
    """Regulations write their figures in words: 一百米, 十八摄氏度, 百分之三十 answer 多少."""
    c, ranked = composer_over(ROADS, tokenizer, identity)
    assert "一百米" in c.compose("隧道洞口外多少米内不能爆破？", ranked[:1], Intent.FIGURE).text
    assert "十八摄氏度" in c.compose("卧室温度最低要保证多少度？", ranked[1:2], Intent.FIGURE).text
    assert "百分之三十" in c.compose("基本热价最多占全部热价的多少？", ranked[2:3], Intent.FIGURE).text
    # a numeral of people or things in words is no figure: nothing answers how many
    draft = c.compose("管理制度要求配备多少人？", ranked[3:], Intent.FIGURE)
    assert draft.intent is Intent.NOT_STATED, draft.text


FINES = [
    chunk("养犬人应当向养犬主管部门办理养犬准养登记。", 9),
    chunk("未按规定办理养犬准养登记的，对个人可以处二百元以上二千元以下罚款。", 10),
]


def test_a_fine_answers_only_a_question_about_penalties(tokenizer, identity) -> None:  # noqa: F811
    """登记费多少 is not answered by the fine for not registering; 不登记罚多少 is."""
    c, ranked = composer_over(FINES, tokenizer, identity)
    fee = c.compose("办理养犬准养登记要交多少登记费？", ranked, Intent.FIGURE)
    assert fee.intent is Intent.NOT_STATED and "二百元" not in fee.text
    assert "二百元以上二千元以下罚款" in c.compose("不办养犬准养登记会罚多少？", ranked, Intent.FIGURE).text


def test_a_question_asked_in_a_measure_is_answered_in_it(tokenizer, identity) -> None:  # noqa: F811
    """多少吨 is not answered by 二百元, 几天 not by 十八摄氏度."""
    from assistant.answering.understanding import measure_named

    assert [measure_named(q) for q in ("限载多少吨？", "提前几天进行试运行？", "多少米内？", "罚多少？", "多少登记费？")] == [
        "吨", "天", "米", None, None]
    c, ranked = composer_over([FINES[1], ROADS[1]], tokenizer, identity)
    assert c.compose("养犬准养登记的犬只限重多少吨？", ranked[:1], Intent.FIGURE).intent is Intent.NOT_STATED
    assert c.compose("卧室温度要提前几天达到？", ranked[1:], Intent.FIGURE).intent is not Intent.FIGURE  # no figure of days


SCENIC = chunk("在重点保护区内有下列行为之一的，处以罚款：（一）乱扔垃圾的，处五十元罚款；（二）在非指定区域吸烟的，处二百元罚款。", 11)


def test_a_total_of_fines_written_in_words(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over([SCENIC], tokenizer, identity)
    draft = c.compose("乱扔垃圾被罚一次，又在非指定区域吸烟被罚一次，一共罚多少？", ranked, Intent.AGGREGATE)
    assert "50+200=250元" in draft.text and verified(draft), draft.text
