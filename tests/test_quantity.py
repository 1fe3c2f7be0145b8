"""The quantity a figure question asks for: an answer that never names it (保管费 for
储备规模) or names other years than the one asked states the figure of something else.
Hand-made chunks, no model."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answering import Intent, Vocabulary
from assistant.answering.quantity import asked_quantity, other_quantity
from assistant.answering.vocabulary import document_names

from .test_answering_rules import chunk, composer_over, identity, tokenizer  # noqa: F401  (fixtures)

CHUNKS = [
    chunk(("五、资金",), "市级储备规模由市政府核定。原粮保管费每年100元/吨。", 0),
    chunk(("一、目标",), "到2035年，签约服务覆盖率达到75%以上。", 1),
]


@pytest.fixture
def vocab(identity) -> Vocabulary:  # noqa: F811
    return Vocabulary.from_chunks(CHUNKS, places=identity.place_names)


@pytest.mark.parametrize("question, word", [
    ("储备规模是多少吨？", "规模"),
    ("储备规模到底是多少吨？", "规模"),  # across an adverb too
    ("每吨能拿多少保管费？", "保管费"),
    ("原粮保管费每年多少钱？", "保管费"),  # read past the unit of a rate (每年)
    ("共投资多少钱？", None),  # a verb says what is measured
    ("要选几个乡镇？", None),  # a count of things: the count's measure checks it
    ("市长叫什么？", None),  # no figure asked
])
def test_the_quantity_a_figure_question_measures(tokenizer, vocab, question: str, word: str | None) -> None:  # noqa: F811
    got = asked_quantity(question, tokenizer.posseg, vocab)
    assert (got is None) if word is None else (got is not None and word in got)


def test_an_answer_about_another_quantity_or_year_is_the_figure_of_something_else(tokenizer, vocab) -> None:  # noqa: F811
    fee = "五、资金：原粮保管费每年100元/吨[1]。"
    assert other_quantity("储备规模是多少吨？", fee, tokenizer.posseg, vocab) is not None
    assert other_quantity("原粮保管费每年多少钱？", fee, tokenizer.posseg, vocab) is None
    target = "到2035年，签约服务覆盖率达到75%以上[1]。"
    assert other_quantity("2022年覆盖率实际达到了多少？", target, tokenizer.posseg, vocab) == "2022"
    assert other_quantity("2035年覆盖率要达到多少？", target, tokenizer.posseg, vocab) is None
    assert other_quantity("How much is the fee?", fee, tokenizer.posseg, vocab) is None  # English: the words differ


def test_the_composer_says_the_asked_quantity_is_not_stated(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over(CHUNKS, tokenizer, identity)
    draft = c.compose("2022年签约服务覆盖率实际达到了多少？", ranked[1:], Intent.FIGURE)
    assert draft is not None and draft.intent is Intent.NOT_STATED and "2022年" in draft.text
    assert "75%" in c.compose("签约服务覆盖率要达到多少？", ranked[1:], Intent.FIGURE).text  # type: ignore[union-attr]


def test_a_document_s_own_name_pasted_into_a_question_is_not_what_it_asks(tokenizer, identity) -> None:  # noqa: F811
    named = chunk(("一、编制过程",), "县农业农村局会同有关部门开展了《某县改厕方案（2024—2026年）》编制工作。", 0)
    target = chunk(("二、目标",), "到2026年，全县农村卫生厕所普及率达到95%以上。", 1)
    titled = [replace(ch, title="《某县改厕方案（2024—2026年）》") for ch in (named, target)]
    c, ranked = composer_over(titled, tokenizer, identity)
    question = "《某县改厕方案(2024—2026年)》是由哪个单位会同有关部门编制的？"  # as NFKC leaves it
    assert c.vocab.without_titles(question) == "《》是由哪个单位会同有关部门编制的？"
    assert "2026" not in c.scorer.qtokens(question)
    draft = c.compose(question, (ranked[1], ranked[0]), Intent.GENERAL)
    assert draft is not None and "县农业农村局" in draft.text


@pytest.mark.parametrize("title, names", [
    ("某市养犬管理条例", ("某市养犬管理条例",)),  # a title without book-title marks is the name
    ("某市人民政府办公厅关于印发某市临时救助实施细则的通知", ("某市人民政府办公厅关于印发某市临时救助实施细则的通知", "某市临时救助实施细则")),
    ("关于印发《某区节能办法》的通知", ("《某区节能办法》", "某区节能办法")),
    ("怎么申领某市社会保障卡？", ()),  # a title that asks: its words are what a question asks
])
def test_the_names_a_question_may_call_a_document_by(title: str, names: tuple[str, ...]) -> None:
    assert document_names(title) == names


def test_a_document_s_own_name_without_book_title_marks_is_not_what_a_question_asks(tokenizer, identity) -> None:  # noqa: F811
    title = "某市养犬管理条例"
    header = chunk((title,), "2018年12月29日 某市人民代表大会常务委员会第十五次会议通过", 0)
    last = chunk(("第二十八条",), "本条例自2019年7月1日起施行。", 1)
    c, ranked = composer_over([replace(ch, title=title) for ch in (header, last)], tokenizer, identity)
    question = "某市养犬管理条例是从哪一天起施行的？"
    assert c.vocab.without_titles(question) == "《》是从哪一天起施行的？"
    draft = c.compose(question, ranked, Intent.FIGURE)  # the header, which holds the name's words, first
    assert draft is not None and "2019年7月1日" in draft.text and "2018年" not in draft.text
