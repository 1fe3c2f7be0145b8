"""A sentence that opens a list (分为以下三类：, 应当具备以下条件：) on hand-made chunks without
the embedding model: its items follow it, by lines, past an item's second sentence; a count
or figure question answered by such a sentence gets the items too; and an answer is never
completed with an opener whose items it leaves out."""

from __future__ import annotations

import pytest

from assistant.answering import Composer
from assistant.answering.complete import completion
from assistant.answering.general import WHOLE_PASSAGE
from assistant.answering.leads import counted_items, counted_section, items_after
from assistant.answering.understanding import Intent
from assistant.types import Chunk, RetrievedChunk

from .handmade import article_chunks, composer_of, verified

TITLE = "《青山区长期照护试行办法》"
ISSUER = "青山区医疗保障局"
KINDS = Chunk(
    id="k0", source="rules.md", title=TITLE, section_path=("第三章 待遇", "第十一条"), ordinal=0,
    text="照护待遇类型分为以下三类：\n（一）生活照料服务，包括基础照料和专项照护；\n（二）医疗护理服务；\n（三）设备使用服务。\n"
    "具体服务项目由市医疗保障部门另行制定。",
)
TERMS = Chunk(
    id="k1", source="rules.md", title=TITLE, section_path=("第二章 机构", "第十条"), ordinal=1,
    text="运营机构应当具备以下条件：\n（一）依法成立，取得营业执照；\n（二）具有相应的管理能力及工作人员。其中，自行加工餐食的，应取得食品经营许可证。\n"
    "（三）近3年内没有重大违法违规记录。\n机构名单向社会公布。",
)
ROOMS = Chunk(
    id="k2", source="rules.md", title=TITLE, section_path=("第二章 机构", "第十一条"), ordinal=2,
    text="（一）照护区的面积不小于30㎡，能够容纳10名以上老年人。\n照护场地应当具备以下条件：",
)


@pytest.fixture(scope="module")
def composer() -> Composer:
    return composer_of([KINDS, TERMS, ROOMS], TITLE, ISSUER)


def test_the_items_of_a_list_go_by_lines_past_an_item_s_second_sentence() -> None:
    items, to_end = items_after(TERMS.text, "运营机构应当具备以下条件：")
    assert items == ["（一）依法成立，取得营业执照；", "（二）具有相应的管理能力及工作人员。", "（三）近3年内没有重大违法违规记录。"]
    assert not to_end  # the line after the items is no item: the list ended in this chunk
    assert items_after("（四）其他条件。\n（五）另行规定的条件。") == (["（四）其他条件。", "（五）另行规定的条件。"], True)
    assert items_after(KINDS.text, "不在这里的句子：") == ([], False)


@pytest.mark.parametrize("question", ["照护待遇分成哪几类？", "照护待遇分为几类？"])
def test_a_figure_question_answered_by_a_list_opener_gets_its_items(composer: Composer, question: str) -> None:
    ranked = (RetrievedChunk(KINDS, 1.0, 1),)
    draft = composer.compose(question, ranked, Intent.FIGURE)
    assert draft is not None
    assert all(k in draft.text for k in ("生活照料服务", "医疗护理服务", "设备使用服务")), draft.text
    assert verified(draft)


def test_an_answer_is_not_completed_with_a_bare_list_opener(composer: Composer) -> None:
    scorer = composer.scorer
    ranked = (RetrievedChunk(ROOMS, 1.0, 1),)
    question = "照护场地的照护区面积最少多大？"
    answer = "第十一条：（一）照护区的面积不小于30㎡，能够容纳10名以上老年人[1]。"
    scored = scorer.best_sentences(question, ranked, 60)
    assert "照护场地应当具备以下条件：" not in completion(scorer, question, ranked, 0, answer, scored)


def test_which_ones_with_the_kind_as_subject_is_answered_by_the_list() -> None:
    """补贴包括哪几种？ names no kind after 哪几种: its subject is the kind, and no count stated
    is no reason to refuse when a sentence lists them."""
    grants = Chunk(id="g0", source="rules.md", title=TITLE, section_path=("第五章 补贴", "第二十五条"), ordinal=3,
                   text="市级照护服务补贴包括就餐补贴、送餐补贴、运营补贴。补贴资金由市财政安排。")
    c = composer_of([grants], TITLE, ISSUER)
    draft = c.compose("市级照护服务补贴包括哪几种？", (RetrievedChunk(grants, 1.0, 1),), Intent.FIGURE)
    assert draft is not None and "就餐补贴、送餐补贴、运营补贴" in draft.text, draft and draft.text


def test_a_list_on_the_lines_after_its_opener_is_counted_on_into_the_next_chunk() -> None:
    first = Chunk(id="s0", source="rules.md", title=TITLE, section_path=("第二章 房源", "第十条"), ordinal=4,
                  text="保障性住房来源包括：\n（一）政府投资兴建的住房；\n（二）政府购买和租赁的住房；")
    second = Chunk(id="s1", source="rules.md", title=TITLE, section_path=("第二章 房源", "第十条"), ordinal=5,
                   text="（三）企业建设的人才公寓；\n（四）其他途径筹集的住房。")
    broken = Chunk(id="s2", source="rules.md", title=TITLE, section_path=("第三章 分配", "第十二条"), ordinal=6,
                   text="申请材料包括：\n（一）申请表；\n（三）身份证明。")
    c = composer_of([first, second, broken], TITLE, ISSUER)
    # counted in the measure word asked (几种 → 种)
    draft = c.compose("保障性住房来源一共有几种？", (RetrievedChunk(first, 1.0, 1),), Intent.FIGURE)
    assert draft is not None and "共4种" in draft.text and "其他途径筹集的住房[2]" in draft.text, draft and draft.text
    assert verified(draft)
    assert counted_items(c, "申请材料一共有几种？", (RetrievedChunk(broken, 1.0, 1),)) is None  # (二) is missing: not counted


def test_a_section_of_numbered_paragraphs_named_by_a_count_question_has_them_counted() -> None:
    first, second = article_chunks(TITLE, ("三、报名条件",), ["（一）依法登记注册的企业。\n（二）具备结算能力。",
                                                         "（三）自愿参与活动。\n能按照要求填报信息。\n（四）信誉良好。"], source="notice.md")
    loose, = article_chunks(TITLE, ("四、报名方式",), ["企业通过平台报名。\n（一）填写申请表。\n（二）提交材料。"], first=2, source="notice.md")
    c = composer_of([first, second, loose], TITLE, ISSUER)
    draft = counted_section(c, "公告里的报名条件一共列了几条？", (RetrievedChunk(second, 1.0, 1),))
    # the paragraph without a marker goes on with (三): four items, not five
    assert draft is not None and "报名条件共4条" in draft.text and "信誉良好[1]" in draft.text, draft and draft.text
    assert verified(draft)
    assert counted_section(c, "报名方式一共有几条？", (RetrievedChunk(loose, 1.0, 1),)) is None  # a sentence opens it
    assert counted_section(c, "一共有几条？", (RetrievedChunk(first, 1.0, 1),)) is None  # no section named


def test_which_ones_over_a_list_opener_gets_the_items_not_a_count() -> None:
    rules = Chunk(id="w0", source="rules.md", title=TITLE, section_path=("第二章 受理", "第六条"), ordinal=7,
                  text="受理时间按以下方法确定：\n（一）无需现场审查的，以网上审查通过时间为受理时间；\n（二）需要现场审查的，以现场审查通过时间为受理时间。")
    c = composer_of([rules], TITLE, ISSUER)
    draft = c.compose("受理时间按哪几种方法确定？", (RetrievedChunk(rules, 1.0, 1),), Intent.FIGURE)
    assert draft is not None and "网上审查通过时间" in draft.text and "现场审查通过时间" in draft.text, draft and draft.text
    assert "共2条" not in draft.text


def test_items_on_one_line_after_the_first_are_each_an_item() -> None:
    assert items_after("（二）拖欠租金；（三）擅自转租；（四）损坏房屋。\n其他情形由区里认定。") == (
        ["（二）拖欠租金；", "（三）擅自转租；", "（四）损坏房屋。"], False,
    )


def test_a_count_of_things_is_not_the_count_of_a_list_s_items() -> None:
    kinds = Chunk(id="n0", source="rules.md", title=TITLE, section_path=("第三章 支持", "第八条"), ordinal=8,
                  text="对符合条件的企业给予支持，具体如下：\n（一）落户补贴；\n（二）租金补贴。")
    c = composer_of([kinds], TITLE, ISSUER)
    assert counted_items(c, "支持企业有几种补贴？", (RetrievedChunk(kinds, 1.0, 1),)) is not None
    draft = c.compose("每年最多支持几家企业？", (RetrievedChunk(kinds, 1.0, 1),), Intent.FIGURE)
    assert draft is None or "共2条" not in draft.text  # 几家 counts firms, not the list's items


DUTIES = Chunk(
    id="k3", source="rules.md", title=TITLE, section_path=("第五章 责任", "第四十条"), ordinal=3,
    text="有下列情形之一的，由区人民政府责令改正，给予通报批评：\n（一）未按规定公布照护机构名单、服务项目、收费标准和投诉电话，或者公布的信息与实际情况不符的；\n"
    "（二）挪用、截留照护资金的；\n（三）未按规定对照护机构开展年度考核评估，或者考核评估结果弄虚作假的；\n（四）未按规定受理、转办和答复群众投诉举报的；\n（五）其他违反本办法规定的。",
)


def test_an_answering_item_of_a_list_comes_after_what_it_is_a_case_of() -> None:
    assert len(DUTIES.text) > WHOLE_PASSAGE  # a passage this short would be quoted whole
    composer = composer_of([DUTIES], TITLE, ISSUER)
    draft = composer.compose("照护资金被挪用了怎么处理？", (RetrievedChunk(DUTIES, 1.0, 1),), Intent.GENERAL)
    assert draft is not None
    assert "挪用、截留照护资金" in draft.text
    assert "通报批评" in draft.text, draft.text  # the consequence stands in the opener, not the item
    assert draft.text.index("有下列情形之一的") < draft.text.index("（二）")
    assert "未按规定公布" not in draft.text  # the other items are not quoted
    assert verified(draft)


def _cut_article(path: tuple[str, str], first: int, head: str, tail: str) -> tuple[Chunk, Chunk]:
    """An article a chunk boundary cut after its opener and first items."""
    return (Chunk(id=f"k{first}", source="rules.md", title=TITLE, section_path=path, ordinal=first, text=head),
            Chunk(id=f"k{first + 1}", source="rules.md", title=TITLE, section_path=path, ordinal=first + 1, text=tail))


@pytest.mark.parametrize(("path", "head", "tail", "question", "intent", "opener", "item"), [
    (("第五章 责任", "第四十一条"), "有下列情形之一的，不予发放照护补贴：\n（一）申请人已享受同类补贴的；\n（二）申请人提供虚假材料的；",
     "（三）申请人主动撤回申请的；\n（四）其他不予发放的情形。", "我把申请撤回了还能拿补贴吗？", Intent.GENERAL, "不予发放照护补贴", "主动撤回申请"),
    # 可以装地锁吗 over （三）擅自…设置…地锁: the opener (不得实施下列行为) is what says no, in a yes-or-no answer too
    (("第三章 使用", "第三十六条"), "任何单位和个人不得实施下列行为：\n（一）擅自改变公共停车场的性质；\n（二）擅自改变公共停车场的用途；",
     "（三）擅自在城市道路范围内设置地桩、地锁等障碍物；\n（四）非法占用道路临时停车泊位。", "我想在家门口的路边装个地锁，这样可以吗？", Intent.YESNO,
     "不得实施下列行为", "地锁"),
])
def test_an_item_whose_list_opens_in_the_chunk_before_gets_that_opener_cited(path, head, tail, question, intent, opener, item) -> None:
    first, last = _cut_article(path, 4, head, tail)
    composer = composer_of([first, last], TITLE, ISSUER)
    draft = composer.compose(question, (RetrievedChunk(last, 1.0, 1),), intent)
    assert draft is not None and draft.intent is intent
    assert opener in draft.text and item in draft.text, draft.text
    assert draft.text.index(opener) < draft.text.index("（三）")
    assert "[2]" in draft.text and len(draft.passages) == 2  # the chunk the opener stands in is cited
    assert verified(draft)


def test_an_opener_of_two_sentences_on_its_line_is_quoted_whole() -> None:
    duties = Chunk(id="k6", source="rules.md", title=TITLE, section_path=("第五章 责任", "第四十二条"), ordinal=6,
                   text="有下列情形之一的，对责任人给予通报批评；构成犯罪的，依法追究刑事责任：\n（一）挪用照护资金的；\n（二）虚报照护人数的。")
    composer = composer_of([duties], TITLE, ISSUER)
    draft = composer.compose("挪用照护资金会怎么处理？", (RetrievedChunk(duties, 1.0, 1),), Intent.GENERAL)
    assert draft is not None and "通报批评" in draft.text and "刑事责任" in draft.text, draft.text


def test_a_short_passage_quoted_whole_goes_on_with_the_items_the_next_chunk_numbers_on() -> None:
    head, tail = article_chunks(TITLE, ("第四章 资助", "第二十条"), [
        "符合以下情形之一的老年人可申请照护资助：\n（一）第一类对象。\n1. 分散供养特困人员；\n2. 低保家庭中失能的；",
        "3. 100周岁及以上的；\n4. 计划生育特殊家庭老年人。\n（二）第二类对象。\n1. 独居的。",
    ], first=7)
    assert len(head.text) <= WHOLE_PASSAGE  # quoted whole
    composer = composer_of([head, tail], TITLE, ISSUER)
    draft = composer.compose("第一类对象都有谁？", (RetrievedChunk(head, 1.0, 1),), Intent.GENERAL)
    assert draft is not None
    assert "分散供养特困人员" in draft.text and "100周岁及以上的" in draft.text, draft.text
    assert "计划生育特殊家庭老年人[2]" in draft.text and len(draft.passages) == 2  # the next chunk is cited
    assert "第二类对象" not in draft.text and "独居" not in draft.text  # （二） starts another list: not numbered on from 2.
    assert verified(draft)
    ended, after = article_chunks(TITLE, ("第四章 资助", "第二十一条"), [
        "资助标准如下：\n1. 第一类对象每月400元；\n2. 第二类对象每月200元。\n资助不得发放现金。", "3. 其他情形另行规定。",
    ], first=9)
    composer = composer_of([ended, after], TITLE, ISSUER)
    draft = composer.compose("资助标准是多少？", (RetrievedChunk(ended, 1.0, 1),), Intent.GENERAL)
    assert draft is not None and "另行规定" not in draft.text, draft.text  # the list ended in its own chunk


@pytest.mark.parametrize("text, kept", [
    ("第七条：符合规定的人员不受第六条的限制[1]。第六条：积分制入户人员应同时符合以下条件：[2]。", "第七条：符合规定的人员不受第六条的限制[1]。"),
    ("区住建部门每年实行年审[1]。第四十五条：区住建部门应当采取以下措施，定期进行监督检查：[2]。", "区住建部门每年实行年审[1]。"),
    ("现就有关事宜通告如下：[1]。", "现就有关事宜通告如下：[1]。"),  # all there is: left as it is
    ("可通过小程序自助查询：[1]。", "可通过小程序自助查询：[1]。"),  # says where, not only that a list follows
    ("申请条件如下：[1]（一）年满18周岁[1]。", "申请条件如下：[1]（一）年满18周岁[1]。"),  # its items follow
])
def test_an_answer_does_not_end_on_a_list_it_leaves_out(text: str, kept: str) -> None:
    from assistant.answering.compose import Draft, without_trailing_opener

    assert without_trailing_opener(Draft(text, ())).text == kept


def test_a_last_sentence_that_says_more_than_that_a_list_follows_stays() -> None:
    from assistant.answering.compose import Draft, without_trailing_opener

    age = "申请材料见附件4[1]。申请类别：申请人为港澳台青年，年龄在18至45周岁（含本数），并符合以下条件：[2]。"
    review = ("系统将自动审核并反馈结果[1]。人工审核：若未能通过数据比对，则无法使用智能审批功能，按原定方式进行申报"
              "和由人力资源社会保障部门进行人工审核，并根据系统指引准备并上传以下材料：[2]。")
    for text in (age, review):
        assert without_trailing_opener(Draft(text, ())).text == text


@pytest.mark.parametrize(("question", "word"), [
    ("这份通知一共附了几个附件？", "个"), ("申请有哪几种方式？", "种"), ("一共有多少项任务？", "项"),
    ("主要任务分为几大类？", "条"),  # 几大 names no measure
    ("有哪些原则？", "条"),  # none asked
])
def test_a_count_is_given_in_the_measure_word_asked(question: str, word: str) -> None:
    from assistant.answering.understanding import count_word

    assert count_word(question) == word


def test_a_count_in_any_measure_word_asked_is_verified() -> None:
    """What a count question may ask in (几棵, 几辆) is what the verification checks a count with."""
    from assistant.citations import verify

    assert verify("行道树共2棵：银杏[1]、香樟[1]。", {1: "种植银杏、香樟。"}).ok
    assert not verify("行道树共3棵：银杏[1]、香樟[1]。", {1: "种植银杏、香樟。"}).ok
