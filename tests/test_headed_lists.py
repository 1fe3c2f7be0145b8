"""Numbered headings and lists, on hand-made chunks without the embedding model: an
article's number is no part of its name (a chapter's is), a short numbered line heads an item, a list
question gets every head of its section, each chunk cited, and a position (最后一条) is
read over every chunk of the list."""

from __future__ import annotations

import pytest

from assistant.answering import Intent
from assistant.answering.headed import headed_list, heads, paragraph_items, paragraph_list, sub_items
from assistant.answering.coverage import missing_nouns
from assistant.answering.lists import list_answer, numbered_lines, ordinal
from assistant.chunking import strip_numbering
from assistant.text import ChineseTokenizer
from assistant.types import Chunk, RetrievedChunk

from .test_answering_rules import composer_over, identity, tokenizer  # noqa: F401  (fixtures)

TITLE = "《青山县旧家电回收补贴实施细则》"
PATH = ("第二章 补贴流程", "第七条 企业参与流程")


def chunk(path: tuple[str, ...], text: str, n: int) -> Chunk:
    return Chunk(id=f"c{n}", source="rules.md", title=TITLE, section_path=path, text=text, ordinal=n)


FIRST_PART = chunk(PATH, "1. 自愿报名\n参与企业自愿申报，县商务局发布企业名单。\n2. 平台运作\n企业登录服务平台，按规定比例补贴消费者。", 1)
SECOND_PART = chunk(
    PATH,
    "3. 资金兑付\n县商务局委托第三方机构审核，滚动兑付。\n4. 参与要求\n"
    "(1) 闭环管理: 所有订单须全流程留痕。\n(2) 单件补贴: 补贴产品必须单件结算。\n(3) 销售发票: 开具正规发票。",
    2,
)
PLATFORM = chunk(("第二章 补贴流程", "第三条 平台机构"), "县“青山购”服务平台是本次活动的平台机构。", 3)
MARKET = chunk(("第二章 补贴流程", "第八条 营造良好市场环境"), "鼓励金融机构叠加优惠让利，形成政策合力。", 4)


def test_an_article_or_chapter_number_is_no_part_of_its_name() -> None:
    assert strip_numbering("第三条 平台机构") == "平台机构"
    assert strip_numbering("第五条\u3000资金管理") == "资金管理"
    assert strip_numbering("第三章 储存") == "第三章 储存"  # a chapter's broad topic is no name to single it out
    assert strip_numbering("第十条") == "第十条"  # a number alone is the heading
    assert strip_numbering("第三条平台机构") == "第三条平台机构"  # no space: not a numbered name


def test_a_question_naming_an_article_is_answered_from_it(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over([MARKET, PLATFORM], tokenizer, identity)
    assert [p.chunk.id for p in c.named("本次活动的平台机构是什么？", ranked)] == ["c3"]
    draft = c.compose("本次活动的平台机构是什么？", ranked, Intent.GENERAL)
    assert "青山购" in draft.text


def test_short_numbered_paragraphs_head_the_items_in_order() -> None:
    lines = [(FIRST_PART, ln) for ln in FIRST_PART.text.split("\n")] + [(SECOND_PART, ln) for ln in SECOND_PART.text.split("\n")]
    assert [lines[i][1] for i in heads(lines)] == ["1. 自愿报名", "2. 平台运作", "3. 资金兑付", "4. 参与要求"]
    assert [name for _, name in sub_items(lines, 6, len(lines))] == ["闭环管理", "单件补贴", "销售发票"]
    sentences = [(FIRST_PART, "1. 全面推进旧家电回收体系建设。"), (FIRST_PART, "2. 加强资金监管，确保专款专用。")]
    assert heads(sentences) == []  # numbered sentences are the items' text, not heads
    assert heads([(FIRST_PART, "2. 平台运作"), (FIRST_PART, "3. 资金兑付")]) == []  # not numbered from one


def test_a_list_question_gets_every_head_of_the_section_each_chunk_cited(tokenizer, identity) -> None:  # noqa: F811
    c, _ = composer_over([FIRST_PART, SECOND_PART, PLATFORM], tokenizer, identity)
    ranked = (RetrievedChunk(SECOND_PART, 1.0, 1),)  # the section's second chunk alone was retrieved
    draft = list_answer(c, "企业参与流程分为哪几个环节？", ranked)
    assert draft is not None and draft.intent is Intent.LIST
    assert draft.text == "企业参与流程包括：自愿报名；平台运作[2]；资金兑付；参与要求[1]。"
    assert [p.chunk.id for p in draft.passages] == ["c2", "c1"]  # the first chunk is added and cited


def test_a_question_naming_one_head_gets_its_sub_items(tokenizer, identity) -> None:  # noqa: F811
    c, _ = composer_over([FIRST_PART, SECOND_PART], tokenizer, identity)
    draft = headed_list(c, "参与要求有哪几项？", (RetrievedChunk(SECOND_PART, 1.0, 1),))
    assert draft is not None and draft.text == "参与要求包括：闭环管理；单件补贴；销售发票[1]。"
    assert headed_list(c, "自愿报名怎么报？", (RetrievedChunk(FIRST_PART, 1.0, 1),)) is None  # no sub-items: its text answers


def test_a_section_without_short_numbered_heads_has_no_headed_list(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over([PLATFORM, MARKET], tokenizer, identity)
    assert headed_list(c, "有哪些措施？", ranked) is None


PRINCIPLES = ("二、实施原则",)
FIRST_PRINCIPLES = chunk(PRINCIPLES, "1. 政府引导，市场运作\n2. 统筹推进，分类施策\n3. 便民利民，安全规范", 5)
LAST_PRINCIPLES = chunk(PRINCIPLES, "4. 节约集约，绿色环保\n5. 公开透明，社会监督", 6)


@pytest.mark.parametrize(
    "question,item,cited",
    [
        ("实施原则最后一条是什么？", "实施原则第5条：公开透明，社会监督", "c6"),
        ("实施原则倒数第二条呢", "实施原则第4条：节约集约，绿色环保", "c6"),
        ("实施原则第二条是啥？", "实施原则第2条：统筹推进，分类施策", "c5"),
        ("头一条原则是什么", "实施原则第1条：政府引导，市场运作", "c5"),
    ],
)
def test_a_position_is_read_over_every_chunk_of_the_list(tokenizer, identity, question, item, cited) -> None:  # noqa: F811
    c, _ = composer_over([FIRST_PRINCIPLES, LAST_PRINCIPLES], tokenizer, identity)
    draft = ordinal(c, question, (RetrievedChunk(FIRST_PRINCIPLES, 1.0, 1),))  # the list's first chunk alone retrieved
    assert draft is not None and draft.text.startswith(item), draft
    marker = int(draft.text.rsplit("[", 1)[1].split("]")[0])
    assert draft.passages[marker - 1].chunk.id == cited


def test_a_position_beyond_the_list_is_not_stated(tokenizer, identity) -> None:  # noqa: F811
    c, ranked = composer_over([FIRST_PRINCIPLES, LAST_PRINCIPLES], tokenizer, identity)
    draft = ordinal(c, "实施原则第九条是什么？", ranked)
    assert draft is not None and draft.intent is Intent.NOT_STATED
    assert ordinal(c, "实施原则倒数第九条是什么？", ranked) is None  # left to the general answer
    assert [n for _, n, _ in numbered_lines(c.vocab.section_chunks(FIRST_PRINCIPLES))] == [1, 2, 3, 4, 5]


def test_position_words_name_no_thing_the_document_lacks(tokenizer, identity) -> None:  # noqa: F811
    c, _ = composer_over([FIRST_PRINCIPLES, LAST_PRINCIPLES], tokenizer, identity)
    assert missing_nouns("倒数第二条是什么", ["倒数"], c.vocab) == ()
    assert missing_nouns("按顺序排第几", ["顺序"], c.vocab) == ()


def test_a_question_about_what_one_item_says_is_no_list_question(tokenizer, identity) -> None:  # noqa: F811
    c, _ = composer_over([FIRST_PART, SECOND_PART], tokenizer, identity)
    ranked = (RetrievedChunk(SECOND_PART, 1.0, 1),)
    assert headed_list(c, "第三方机构审核以后资金怎么滚动兑付，有哪些方式？", ranked) is None
    assert headed_list(c, "企业参与流程有哪些环节？", ranked) is not None


MEASURES = ("第三章 回收管理", "第十条 保障措施")
FIRST_MEASURES = chunk(MEASURES, "1．落实回收应急措施，确保回收量满足指标要求。回收量不足时，县商务局报县政府研究。", 7)
NEXT_MEASURES = chunk(MEASURES, "2．县商务局应提升回收预测准确性，协同各乡镇开展工作。\n3．回收企业建立诚信评价体系，评价结果影响后续补贴。", 8)
RULES = ("一、基本原则",)
RUN_IN_RULES = chunk(RULES, "坚持市场运作。企业自主回收，政府适当引导。\n坚持便民利民。回收网点就近设置，方便群众交投。", 9)


def test_a_section_of_numbered_paragraphs_is_listed_by_first_clauses(tokenizer, identity) -> None:  # noqa: F811
    c, _ = composer_over([FIRST_MEASURES, NEXT_MEASURES, PLATFORM], tokenizer, identity)
    draft = list_answer(c, "细则的保障措施有哪些？", (RetrievedChunk(FIRST_MEASURES, 1.0, 1),))
    assert draft is not None and draft.intent is Intent.LIST
    assert draft.text == "保障措施包括：落实回收应急措施[1]；县商务局应提升回收预测准确性；回收企业建立诚信评价体系[2]。"
    # a question about one of the items is answered from its text, not with the list
    assert paragraph_list(c, "保障措施里回收量不足时县商务局报谁研究？", (RetrievedChunk(FIRST_MEASURES, 1.0, 1),)) is None
    assert paragraph_list(c, "保障措施里落实回收应急措施是什么意思？", (RetrievedChunk(FIRST_MEASURES, 1.0, 1),)) is None
    # a question that does not name the section gets no list
    assert paragraph_list(c, "回收量不足时怎么办？", (RetrievedChunk(FIRST_MEASURES, 1.0, 1),)) is None


def test_paragraphs_opening_with_a_short_sentence_are_listed_by_it(tokenizer, identity) -> None:  # noqa: F811
    c, _ = composer_over([RUN_IN_RULES, PLATFORM], tokenizer, identity)
    draft = paragraph_list(c, "细则确定了哪几项基本原则？", (RetrievedChunk(RUN_IN_RULES, 1.0, 1),))
    assert draft is not None and draft.text == "基本原则包括：坚持市场运作；坚持便民利民[1]。"
    lines = [(RUN_IN_RULES, "坚持市场运作。企业自主回收。"), (RUN_IN_RULES, "回收网点应当就近设置，方便群众交投。")]
    assert paragraph_items(lines) == []  # one paragraph opens with a long sentence: no list


def test_a_sentence_of_another_section_makes_no_question_about_one_item(tokenizer, identity) -> None:  # noqa: F811
    """A list question that shares more words with a sentence of another section (…原则确定) is
    still about the list its best passage's section makes: that sentence is no item of it."""
    elsewhere = chunk(("二、补贴发放",), "本细则所列补贴比例参照上年度分解原则确定，按月发放。", 10)
    c, _ = composer_over([RUN_IN_RULES, elsewhere, PLATFORM], tokenizer, identity)
    ranked = (RetrievedChunk(RUN_IN_RULES, 1.0, 1), RetrievedChunk(elsewhere, 0.9, 2))
    draft = paragraph_list(c, "细则确定了哪几项基本原则？", ranked)
    assert draft is not None and draft.text == "基本原则包括：坚持市场运作；坚持便民利民[1]。"
    # a question about what one item says is still answered from that item
    assert paragraph_list(c, "基本原则里企业自主回收时政府怎么引导？", ranked) is None
