"""The time between two things a document dates (``assistant/answering/intervals.py``), on
hand-made chunks without the embedding model: each side of the question matched to its dated
phrase, the length computed in the unit asked and verified, and nothing when a side is not
dated or two dates match it alike."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.answering import Composer
from assistant.answering.coverage import missing_nouns
from assistant.answering.intervals import dated, interval, sides, unit_asked
from assistant.answering.vocabulary import Vocabulary
from assistant.citations import gap, verify
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, section_chunks, verified

TITLE = "《青山市烟花爆竹燃放管理条例》"
RULES = section_chunks(TITLE, [
    ("青山市烟花爆竹燃放管理条例", "2019年3月28日 青山市第十六届人民代表大会常务委员会第十九次会议通过"
                          "2019年5月30日 某省第十三届人民代表大会常务委员会第十二次会议批准"),
    ("第一条", "为了加强烟花爆竹燃放管理，保障公共安全，制定本条例。"),
    ("第二十条", "本条例自2019年7月1日起施行。"),
])
PLAN = [Chunk(id=f"plan-{k}", source="plan.md", title="《青山市绿化规划》", section_path=("三、主要目标", goal), text=text, ordinal=k)
        for k, (goal, text) in enumerate([("1. 近期目标", "到2026年，全市森林覆盖率达到60%。"), ("2. 远期目标", "到2030年，全市森林覆盖率达到65%。")])]


def ask(chunks: list[Chunk], question: str):  # type: ignore[no-untyped-def]
    c: Composer = composer_of(chunks, chunks[0].title, "青山市人民代表大会常务委员会")
    return interval(c, question, (RetrievedChunk(chunks[-1], 1.0, 1),))


def test_the_two_sides_of_a_question_and_the_unit_it_asks() -> None:
    assert sides("条例从市人大常委会通过到正式施行，中间隔了多少天？") == ("市人大常委会通过", "正式施行")
    assert sides("近期目标和远期目标之间相隔几年？") == ("近期目标", "远期目标")
    assert sides("省里批准比正式施行早几天？") == ("省里批准", "正式施行")
    assert sides("条例什么时候施行？") is None  # no length asked
    assert sides("施行满几年可以申请？") is None  # a length, but no two sides
    assert unit_asked("从通过到施行隔了多少天？") == "天"
    assert unit_asked("两者相隔几个月？") == "个月"
    assert unit_asked("从通过到修订中间隔了多少年？") == "年"
    assert unit_asked("从通过到施行隔了多久？") == ""


def test_a_date_phrase_runs_to_the_next_date_or_the_clause_end() -> None:
    phrases = [(d.written, d.phrase) for d in dated(RULES[0]) + dated(RULES[2])]
    assert phrases == [
        ("2019年3月28日", "2019年3月28日 青山市第十六届人民代表大会常务委员会第十九次会议通过"),
        ("2019年5月30日", "2019年5月30日 某省第十三届人民代表大会常务委员会第十二次会议批准"),
        ("2019年7月1日", "本条例自2019年7月1日起施行"),
    ]


@pytest.mark.parametrize(("question", "expected"), [
    ("这个条例从常务委员会通过到正式施行，中间隔了多少天？", f"2019年3月28日至2019年7月1日相隔{(date(2019, 7, 1) - date(2019, 3, 28)).days}天"),
    ("省里批准比正式施行早几天？", "2019年5月30日至2019年7月1日相隔32天"),
    ("从批准到施行一共多少天？", "相隔32天，首尾两天都算共33天"),  # 一共: both ends counted too
    ("从通过到施行隔了多久？", "相隔95天"),  # the dates give the unit
    ("从通过到施行隔了几年？", "相隔95天"),  # less than a year: no 0 years
])
def test_the_days_between_two_dated_things_are_computed_and_verified(question: str, expected: str) -> None:
    draft = ask(RULES, question)
    assert draft is not None and expected in draft.text and verified(draft), draft and draft.text


def test_the_years_between_two_dated_goals_come_from_their_sections() -> None:
    draft = ask(PLAN, "近期目标和远期目标之间相隔几年？")
    assert draft is not None and "2030-2026=4，相隔4年" in draft.text and verified(draft), draft and draft.text
    assert draft.text.startswith("近期目标：到2026年")  # the earlier first, with its section's name


def test_a_side_that_names_a_year_looks_among_that_years_dates() -> None:
    record = section_chunks(TITLE, [("条例", "2005年6月1日 市人大常委会会议通过\n2016年9月1日 市人大常委会会议通过修订"
                                           "\n2021年3月1日 市人大常委会会议通过第二次修订")])
    draft = ask(record, "从2005年通过到2016年修订，中间隔了几年？")
    assert draft is not None and "2005年6月1日至2016年9月1日相隔11年3个月" in draft.text and verified(draft)
    assert ask(record, "从通过到修订中间隔了几年？") is None  # 通过 and 修订: three dates hold them alike


@pytest.mark.parametrize("question", [
    "从首次评估到正式施行隔了几天？",  # 评估 is dated nowhere
    "近期目标和远期目标之间相隔几天？",  # days between two years
    "条例从通过到施行有哪些要求？",  # no length asked
])
def test_no_answer_when_a_side_is_not_dated_or_the_dates_cannot_give_the_length(question: str) -> None:
    assert ask(RULES + PLAN if "目标" in question else RULES, question) is None


def test_years_between_two_days_are_whole_years_and_months() -> None:
    record = section_chunks(TITLE, [("条例", "1999年5月28日 市人民代表大会常务委员会会议通过\n2020年3月10日 市人民代表大会常务委员会会议修改"),
                                    ("第三十条", "本办法自2021年11月1日起施行，有效期至2026年10月31日。")])
    draft = ask(record, "从通过到修改，隔了几年？")
    assert draft is not None and "1999年5月28日至2020年3月10日相隔20年9个月" in draft.text and verified(draft), draft and draft.text
    draft = ask(record, "这个办法从施行到有效期截止，前后一共几年？")
    assert draft is not None and "2021年11月1日至2026年10月31日（含当日）相隔5年" in draft.text and verified(draft), draft and draft.text


def test_the_months_between_two_dates_of_the_same_day() -> None:
    notice = section_chunks("《青山市集中供热通知》", [("一、供热时间", "试供热自2024年10月15日开始，正式供热自2024年11月15日开始。")])
    draft = ask(notice, "试供热和正式供热之间相隔几个月？")
    assert draft is not None and "2024年10月15日至2024年11月15日相隔1个月" in draft.text and verified(draft)


def test_the_verification_checks_the_length_between_two_dates() -> None:
    source = {1: "2017年11月30日批准，自2018年3月1日起施行"}
    assert verify("2017年11月30日至2018年3月1日相隔91天[1]。", source).ok
    assert not verify("2017年11月30日至2018年3月1日相隔90天[1]。", source).ok
    assert not verify("2017年11月29日至2018年3月1日相隔92天[1]。", source).ok  # a date of no passage
    assert not verify("2017年11月30日至2018年3月1日相隔91天，首尾两天都算共93天[1]。", source).ok
    assert gap("1月10日", "3月10日") is None  # the end of February in no named year
    assert gap("4月13日", "4月16日") == (3, 0, False)
    assert gap("2024年10月15日", "2025年1月15日") == (92, 3, True)
    assert gap("1999年5月28日", "2020年3月10日") == (7592, 249, False)  # 20 years and 9 months
    assert gap("2021年11月1日", "2026年10月31日", through=True)[1:] == (60, True)
    assert verify("1999年5月28日至2020年3月10日相隔20年9个月[1]。", {1: "1999年5月28日通过，2020年3月10日修改"}).ok
    assert not verify("1999年5月28日至2020年3月10日相隔21年[1]。", {1: "1999年5月28日通过，2020年3月10日修改"}).ok


def test_an_interval_is_a_frame_word_not_a_thing_the_documents_lack() -> None:
    vocab = Vocabulary.from_chunks(RULES)
    assert missing_nouns("从通过到施行中间隔了多少天", ["间隔"], vocab) == ()


def test_the_name_of_a_document_in_a_phrase_is_not_what_the_date_is_of() -> None:
    record = section_chunks(TITLE, [("条例", "2013年3月1日 市人民代表大会常务委员会会议通过\n"
                                           "根据2020年3月10日市人民代表大会常务委员会会议通过\n"
                                           "2020年5月15日 省人民代表大会常务委员会会议批准的《市人民代表大会常务委员会关于修改条例的决定》修正")])
    draft = ask(record, "从2013年通过到2020年市人民代表大会常务委员会通过修改决定，隔了几年？")
    assert draft is not None and "2013年3月1日至2020年3月10日相隔7年" in draft.text and verified(draft), draft and draft.text
