"""Differences a question asks for that the words alone cannot single out: two years of two
named sections (相差几年), two figures of one sentence (上限60平方米，以40平方米为主), and the
figures in the measure the question asks (多多少小时). Hand-made chunks, no model."""

from __future__ import annotations

import pytest

from assistant.answering import Intent
from assistant.answering.aggregate import over_clauses
from assistant.answering.understanding import asked_measure

from .test_answering_rules import chunk, composer_over, identity, tokenizer  # noqa: F401  (fixtures)

CHUNKS = [
    chunk(("二、目标", "1. 近期目标"), "到2027年，全县污水处理率达到90%。", 0),
    chunk(("二、目标", "2. 远期目标"), "到2035年，全面建成美丽县城。", 1),
    chunk(("三、标准",), "成套住房单套建筑面积控制在60平方米以内，以单套建筑面积40平方米左右为主。", 2),
    chunk(("四、电量",), "项目（不含2020年光伏扶贫项目）电量上限按优先电量确定（风电400小时，光伏300小时）。", 3),
]


@pytest.mark.parametrize("question, measure", [
    ("相差几年？", "年"), ("风电比光伏多多少小时？", "小时"), ("大多少平方米？", "平方米"), ("高多少？", None),
])
def test_the_measure_a_question_asks_in(question: str, measure: str | None) -> None:
    assert asked_measure(question) == measure


def test_two_years_of_two_named_sections_differ_in_years(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over(CHUNKS, tokenizer, identity)
    draft = over_clauses(c, "近期目标和远期目标相差几年？", ranked[:2])
    assert draft is not None and draft.intent is Intent.AGGREGATE and "2035-2027=8年" in draft.text
    assert over_clauses(c, "近期目标和远期目标一共多少年？", ranked[:2]) is None  # years are not added up


def test_the_two_figures_of_one_sentence_are_subtracted_when_the_words_cannot_tell_them(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over(CHUNKS, tokenizer, identity)
    draft = over_clauses(c, "单套面积的上限比主打户型的面积大多少平方米？", ranked[2:3])
    assert draft is not None and "60-40=20平方米" in draft.text


def test_figures_in_the_asked_measure_are_the_ones_compared(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over(CHUNKS, tokenizer, identity)
    draft = over_clauses(c, "电量上限风电比光伏多多少小时？", ranked[3:])
    assert draft is not None and "400-300=100小时" in draft.text  # not the 2020年 of the 光伏扶贫 clause


def test_two_figures_given_by_fen_bie_in_one_clause_are_compared_or_added(tokenizer, identity) -> None:  # noqa: F811
    rates = chunk(("五、电价",), "2025年增量项目竞价上下限分别按0.4012元/千瓦时、0.2元/千瓦时确定。", 0)
    awards = chunk(("六、奖励",), "对获得国家级、市级的示范项目，单个项目分别给予一次性奖励20万元、10万元。", 1)
    c, ranked = composer_over([rates, awards], tokenizer, identity)
    gap = over_clauses(c, "竞价上限和下限相差多少元/千瓦时？", ranked[:1])
    assert gap is not None and "0.4012-0.2=0.2012元/千瓦时" in gap.text
    both = over_clauses(c, "国家级和市级示范项目的奖励一共多少？", ranked[1:])
    assert both is not None and "20+10=30万元" in both.text
    assert over_clauses(c, "国家级示范项目的奖励是多少？", ranked[1:]) is None  # neither a total nor a difference


def test_a_money_question_adds_amounts_not_the_counts_next_to_them(tokenizer, identity) -> None:  # noqa: F811
    duty = chunk(("六、重点工程", "目标责任领域"), "目标责任领域涉及1个项目，项目为每年开展巡河。", 0)
    system = chunk(("六、重点工程", "制度体系领域"), "制度体系领域涉及2个项目，项目包括宣传工程。", 1)
    money = chunk(("六、重点工程", "生态安全领域"), "生态安全领域涉及14个项目，共投资12.74亿元。", 2)
    c, ranked = composer_over([duty, system, money], tokenizer, identity)
    assert over_clauses(c, "目标责任和制度体系这两个领域一共投资多少？", ranked[:2]) is None


def test_a_figure_is_of_the_case_the_clauses_before_it_state(tokenizer, identity) -> None:  # noqa: F811
    """经评估为重度失能的，每人每月增加护理资助200元: the case is in the clause before the figure;
    the figure before it (第一类…400元) closes what the next one is of."""
    chunks = [chunk(("五、资助标准",), "第一类对象每人每月400元，第二类对象每人每月200元。经评估为重度失能的，每人每月增加护理资助200元。", 10)]
    c, ranked = composer_over(chunks, tokenizer, identity)
    draft = over_clauses(c, "我是第一类对象，又被评估为重度失能，每个月一共能拿多少钱？", ranked)
    assert draft is not None and "400+200=600元" in draft.text, draft
    assert over_clauses(c, "第二类对象又被评估为重度失能，每个月一共能拿多少钱？", ranked) is not None


# ----------------------------------------------------------------------------- multiples of clauses
ASSISTANCE = chunk(("第十二条",), "支出型临时救助标准原则上人均不超过本市12个月最低生活保障标准;其中本市特困人员住院照料临时救助标准"
                   "不超过240元/人/日,其他申请人住院照料临时救助标准不超过120元/人/日。", 0)


def test_a_multiple_of_two_clauses_is_the_subject_over_the_other(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over([ASSISTANCE], tokenizer, identity)
    draft = over_clauses(c, "特困人员住院照料的每日上限，是其他申请人的几倍？", ranked)
    assert draft is not None and draft.intent is Intent.AGGREGATE and "240÷120≈2倍" in draft.text
    # the one named before 是 in the clause that asks it is the numerator, wherever else named
    draft = over_clauses(c, "其他申请人住院照料的每日上限，特困人员是它的几倍？", ranked)
    assert draft is not None and "240÷120≈2倍" in draft.text
    draft = over_clauses(c, "其他申请人住院照料的每日上限是特困人员的几倍？", ranked)
    assert draft is not None and "120÷240≈0.5倍" in draft.text


def test_ascii_punctuation_ends_clauses_but_not_inside_a_figure(tokenizer, identity) -> None:  # noqa: F811
    from assistant.answering.scoring import clauses, sentences

    said = sentences(ASSISTANCE.text)
    assert len(said) == 2 and said[0].endswith("标准;")  # the ASCII semicolon ends a sentence
    assert [x[-5:] for x in clauses(said[1])] == ["/人/日,", "/人/日。"]
    assert clauses("补贴5,000元,按季度发放。") == ["补贴5,000元,", "按季度发放。"]  # 5,000 stays one figure


def test_multiples_the_passage_states_are_no_operands(tokenizer, identity) -> None:  # noqa: F811
    rent = chunk(("第十八条",), "收入超出限额1.5倍至3倍以内的,按照项目租金标准的1.5倍计租;逾期不腾退的,按照项目租金标准的2倍收取租金。", 0)
    c, ranked = composer_over([rent], tokenizer, identity)
    assert over_clauses(c, "逾期不腾退的按租金标准的几倍收取？", ranked) is None  # the figure answers it


# ----------------------------------------------------------------------------- the two sides of 比
HARM = chunk(("第三十九条",), "违反本条例规定，危害供热设施安全的，由供热主管部门责令停止违法行为，对单位处三万元以上十万元以下罚款，"
             "对个人处五千元以下罚款。", 0)
HINDER = chunk(("第三十八条",), "违反本条例规定，用户有妨碍供热设施正常运行行为的，由供热主管部门责令限期改正，逾期不改正的，"
               "对单位用户可以处一万元以上五万元以下罚款，对个人用户可以处二百元以上一千元以下罚款。", 1)


def test_each_side_of_a_comparison_is_the_figure_of_its_own_case(tokenizer, identity) -> None:  # noqa: F811
    """A比B多多少 over two articles of fines in words: each side's figure is the one of the
    case its words name (危害 against 妨碍, 个人 against 单位), the upper one of a range asked
    for the highest; the difference is written out from them and verified."""
    from assistant.answering.compared import compared

    from .handmade import verified

    c, ranked = composer_over([HINDER, HARM], tokenizer, identity)
    draft = compared(c, "个人危害供热设施安全的最高罚款，比个人妨碍供热设施正常运行的最高罚款多多少钱？", ranked)
    assert draft is not None and draft.intent is Intent.AGGREGATE and "5000-1000=4000元" in draft.text, draft
    assert verified(draft)
    draft = compared(c, "单位妨碍供热设施正常运行的最低罚款比个人的最低罚款多多少钱？", ranked)
    assert draft is not None and "10000-200=9800元" in draft.text, draft
    # a range, and neither its highest nor its lowest figure asked: no figure of the side
    assert compared(c, "个人危害供热设施安全的罚款比个人妨碍供热设施正常运行的罚款多多少钱？", ranked) is None


def test_the_sides_are_items_of_a_list_and_large_sums_stay_in_their_magnitude(tokenizer, identity) -> None:  # noqa: F811
    from assistant.answering.compared import compared

    from .handmade import verified

    roads = chunk(("第四十三条",), "禁止在村道的公路用地外缘起向外五十米、大中型桥梁和渡口周围二百米范围内从事采石、爆破等活动。", 0)
    c, ranked = composer_over([roads], tokenizer, identity)
    draft = compared(c, "禁止采石的范围里，桥梁渡口周围比村道用地外缘向外多出多少米？", ranked)
    assert draft is not None and "200-50=150米" in draft.text, draft
    rooms = chunk(("第三十七条",), "擅自拆除服务用房的，由民政部门责令限期改正；逾期不改正的，处五万元以上五十万元以下罚款；"
                  "情节严重的，处五十万元以上一百万元以下罚款。", 0)
    c, ranked = composer_over([rooms], tokenizer, identity)
    draft = compared(c, "擅自拆除服务用房，情节严重时的最高罚款比逾期不改正的最高罚款多多少？", ranked)
    assert draft is not None and "100-50=50万元" in draft.text, draft
    assert verified(draft)


@pytest.mark.parametrize("question, sides", [
    ("在重点管理区，单位养犬的最高罚款比个人超量养犬的最高罚款多多少钱？", ("在重点管理区", "单位养犬的最高罚款", "个人超量养犬的最高罚款")),
    ("在三级医院住院和在乡镇卫生院住院，起付标准相差多少？", ("", "在三级医院住院起付标准", "在乡镇卫生院住院起付标准")),
    ("单位的最高罚款是多少？", None),
])
def test_the_sides_of_a_comparison(question: str, sides) -> None:  # type: ignore[no-untyped-def]
    from assistant.answering.compared import _sides

    assert _sides(question) == sides
