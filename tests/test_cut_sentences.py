"""A sentence that a chunk boundary cut inside a clause is quoted whole, on hand-made chunks
without the embedding model: each part cited, the marker before the 、 it was cut at, and a
sentence that is whole, cut at a comma, or too long, left as it is."""

from __future__ import annotations

from assistant.answering import Intent
from assistant.answering.cut import WHOLE_SENTENCE, rejoined
from assistant.answering.general import general
from assistant.types import Chunk, RetrievedChunk

from .test_answering_rules import composer_over, identity, tokenizer  # noqa: F401  (fixtures)

TITLE = "《青山县旧家电回收补贴实施细则》"
PATH = ("第一章 补贴范围", "第一条 补贴产品")


def chunk(text: str, n: int, path: tuple[str, ...] = PATH) -> Chunk:
    return Chunk(id=f"c{n}", source="rules.md", title=TITLE, section_path=path, text=text, ordinal=n)


HEAD = chunk("本细则适用于全县。电冰箱、洗衣机、电视机、空调、", 1)
TAIL = chunk("热水器、吸油烟机等8类家电产品。补贴资金由县财政保障。", 2)
OTHER = chunk("本细则自印发之日起施行。", 3, ("第四章 附则", "第二十条 施行日期"))


def test_a_sentence_cut_at_its_end_goes_on_in_the_next_chunk(tokenizer, identity) -> None:  # noqa: F811
    c, _ = composer_over([HEAD, TAIL, OTHER], tokenizer, identity)
    draft = rejoined(c, (RetrievedChunk(HEAD, 1.0, 1),), 0, "电冰箱、洗衣机、电视机、空调、")
    assert draft is not None and draft.intent is Intent.GENERAL
    assert draft.text == "补贴产品：电冰箱、洗衣机、电视机、空调[1]、热水器、吸油烟机等8类家电产品[2]。"
    assert [p.chunk.id for p in draft.passages] == ["c1", "c2"]


def test_a_sentence_cut_at_its_start_begins_in_the_chunk_before(tokenizer, identity) -> None:  # noqa: F811
    c, _ = composer_over([HEAD, TAIL, OTHER], tokenizer, identity)
    ranked = (RetrievedChunk(TAIL, 1.0, 1), RetrievedChunk(HEAD, 0.9, 2))
    draft = rejoined(c, ranked, 0, "热水器、吸油烟机等8类家电产品。")
    assert draft is not None
    assert draft.text == "补贴产品：电冰箱、洗衣机、电视机、空调[2]、热水器、吸油烟机等8类家电产品[1]。"


def test_a_whole_sentence_or_one_too_long_is_left_alone(tokenizer, identity) -> None:  # noqa: F811
    c, _ = composer_over([HEAD, TAIL, OTHER], tokenizer, identity)
    assert rejoined(c, (RetrievedChunk(TAIL, 1.0, 1),), 0, "补贴资金由县财政保障。") is None  # not at a cut
    assert rejoined(c, (RetrievedChunk(OTHER, 1.0, 1),), 0, "本细则自印发之日起施行。") is None
    long_head = chunk("、".join(["电冰箱"] * (WHOLE_SENTENCE // 4)) + "、", 4, ("二、范围",))
    long_tail = chunk("热水器等家电产品。", 5, ("二、范围",))
    c, _ = composer_over([long_head, long_tail], tokenizer, identity)
    assert rejoined(c, (RetrievedChunk(long_head, 1.0, 1),), 0, long_head.text) is None


def test_a_cut_at_a_comma_leaves_clauses_that_stand_alone(tokenizer, identity) -> None:  # noqa: F811
    first = chunk("按照全省部署，坚持绿色发展，紧紧抓住旧家电回收等重点任务，", 7, ("一、指导思想",))
    second = chunk("推动全县走上绿色消费之路。", 8, ("一、指导思想",))
    c, _ = composer_over([first, second], tokenizer, identity)
    assert rejoined(c, (RetrievedChunk(second, 1.0, 1),), 0, "推动全县走上绿色消费之路。") is None
    assert rejoined(c, (RetrievedChunk(first, 1.0, 1),), 0, first.text) is None


def test_an_open_question_is_answered_with_the_whole_sentence(tokenizer, identity) -> None:  # noqa: F811
    c, _ = composer_over([HEAD, TAIL, OTHER], tokenizer, identity)
    draft = general(c, "空调和电视机能补贴吗", (RetrievedChunk(HEAD, 1.0, 1), RetrievedChunk(OTHER, 0.5, 2)))
    assert draft is not None and "吸油烟机等8类家电产品" in draft.text, draft
