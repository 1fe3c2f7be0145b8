"""The parts of an official document asked for by name (文号, 落款日期): known words of a
corpus that states them in a line of their own, answered with that line; not for a
document the corpus cites, nor for a corpus without them. Hand-made chunks, no model."""

from __future__ import annotations

from assistant.answering import Intent, Thresholds, Vocabulary, decide
from assistant.answering.coverage import missing_nouns
from assistant.answering.parts import document_part

from .test_answering_rules import CHUNKS, chunk, composer_over, identity, tokenizer  # noqa: F401  (fixtures)

TITLE_PATH = ("青山县人民政府关于印发人居环境整治方案的通知",)
NOTICE = [
    chunk(TITLE_PATH, "青政发〔2025〕3号\n各乡镇人民政府：现将方案印发给你们，请认真贯彻执行。", 0),
    chunk(TITLE_PATH, "2025年3月8日", 1),
    chunk(("一、工作依据",), "根据《省农村人居环境整治方案》（省政发〔2024〕12号），制定本方案。", 2),
    chunk(("二、补贴标准",), "改厕每户补贴500元，每吨污水处理补贴2元。", 3),
]


def test_a_part_is_a_known_word_only_where_the_corpus_states_it(tokenizer, identity) -> None:  # noqa: F811
    with_parts = Vocabulary.from_chunks(NOTICE, places=identity.place_names)
    without = Vocabulary.from_chunks(CHUNKS, places=identity.place_names)
    assert missing_nouns("这份通知的文号是多少", ["文号"], with_parts) == ()
    assert missing_nouns("这份通知的文号是多少", ["文号"], without) == ("文号",)  # a plan interpretation has none
    assert missing_nouns("发文字号是多少", ["文字"], with_parts) == ()  # as the tokenizer cuts 发文字号
    assert not decide("方案的文号是多少？", 0.85, without, Thresholds(), tokenizer.posseg).covered


def test_the_part_is_answered_with_its_own_line(tokenizer, identity) -> None:  # noqa: F811
    composer, ranked = composer_over(NOTICE, tokenizer, identity)
    far = ranked[3:]  # retrieval brought only the subsidies
    draft = document_part(composer, "这份通知的文号是多少，落款日期是哪天？", far)
    assert draft is not None and draft.text.startswith("青政发〔2025〕3号[") and "2025年3月8日[" in draft.text
    assert {p.chunk.id for p in draft.passages} >= {"c0", "c1"}  # the lines it quotes are cited
    assert document_part(composer, "方案依据的省里文件文号是多少？", ranked) is None  # a cited document's number
    assert document_part(composer, "改厕补贴多少钱？", ranked) is None
    assert document_part(composer, "文号是多少？", ranked) is None  # may follow up on a cited document
    named = document_part(composer, "这份人居环境整治方案通知的文号是多少？", far)  # the document named at length
    assert named is not None and named.text.startswith("青政发〔2025〕3号[")
    draft = composer.compose("这份人居环境整治方案通知的文号是多少？", far, Intent.FIGURE)
    assert draft is not None and "青政发〔2025〕3号" in draft.text  # not “not stated”: the number carries no 文号


def test_a_per_unit_word_names_no_thing(identity) -> None:  # noqa: F811
    vocab = Vocabulary.from_chunks(NOTICE, places=identity.place_names)
    assert missing_nouns("每吨补多少钱", ["每吨"], vocab) == ()
    assert missing_nouns("每平米补多少钱", ["每平米"], vocab) == ()
    assert missing_nouns("每个月的租金是多少", ["租金"], vocab) == ("租金",)



RULES_PATH = ("青山县养犬管理条例",)
REGULATION = [
    chunk(RULES_PATH, "2018年12月29日 青山县人民代表大会常务委员会第十五次会议通过\n2019年3月28日 省人民代表大会常务委员会批准", 10),
    chunk(("第二条",), "市、县人民政府应当自本条例施行之日起一年内制定犬只收容办法。", 11),
    chunk(("第十一条",), "犬只登记实行免费办理。", 12),
    chunk(("第二十八条",), "本条例自2019年7月1日起施行。", 13),
]


def test_the_day_a_document_takes_effect_is_its_closing_sentence(tokenizer, identity) -> None:  # noqa: F811
    from assistant.answering.effective import effective_date

    composer, ranked = composer_over(REGULATION, tokenizer, identity)
    preamble = ranked[:1]  # retrieval brought the title's dates (通过, 批准), not the closing article
    for question in ("这个条例从哪天起施行？", "《》是从哪一天起施行的？", "When did this regulation come into force?"):
        draft = effective_date(composer, question, preamble)
        assert draft is not None and draft.text == "本条例自2019年7月1日起施行[2]。", (question, draft)
        assert draft.passages[1].chunk.id == "c13"
    composed = composer.compose("这个条例从哪天起施行？", preamble, Intent.FIGURE)  # tried before the figure's own handler
    assert composed is not None and composed.text == "本条例自2019年7月1日起施行[2]。"
    assert effective_date(composer, "条例施行前办的证还有效吗？", preamble) is None  # asks no date
    assert effective_date(composer, "条例有效期到什么时候？", preamble) is None  # when it ends
    assert effective_date(composer, "依据的条例什么时候施行？", preamble) is None  # a document it cites
    assert effective_date(composer, "犬只登记从什么时候开始实施？", preamble) is None  # a measure of it, named
    notice, ranked = composer_over(NOTICE, tokenizer, identity)
    assert effective_date(notice, "这个方案什么时候开始实施？", ranked) is None  # it states no such day
