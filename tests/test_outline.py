"""How a document is divided, asked of the document itself (这个办法一共分几章？几条？), on hand-made
chunks without the embedding model: answered from its chapter headings and its articles, first to
last, citing the last article; not for a count of what a clause lists, nor for a document without
chapters or articles."""

from __future__ import annotations

import pytest

from assistant.answering.outline import ASKS, articles, chapters, outline
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, verified

TITLE = "《青山县农村建房管理办法》"
ISSUER = "青山县人民政府"


def chunk(k: int, path: tuple[str, ...], text: str) -> Chunk:
    return Chunk(id=f"b{k}", source="houses.md", title=TITLE, section_path=path, ordinal=k, text=text)


RULES = [
    chunk(0, ("第一章 总则", "第一条"), "第一条：为了规范农村建房，制定本办法。"),
    chunk(1, ("第一章 总则", "第二条"), "第二条：本办法适用于本县行政区域内的农村村民建房。"),
    chunk(2, ("第二章 申请", "第三条"), "第三条：村民建房应当向乡镇人民政府提出申请，提交下列材料：身份证明、宅基地证明。"),
    chunk(3, ("第二章 申请", "第三条"), "第三条：乡镇人民政府应当在十个工作日内作出决定。"),
    chunk(4, ("第三章 附则", "第四条"), "第四条：本办法自2021年1月1日起施行。"),
]
PLAN = [chunk(0, ("一、规划原则",), "规划原则共三条：保护优先、统筹兼顾、公众参与。")]


def ask(chunks: list[Chunk], question: str):  # type: ignore[no-untyped-def]
    composer = composer_of(chunks, TITLE, ISSUER)
    return outline(composer, question, (RetrievedChunk(chunks[0], 1.0, 1),))


@pytest.mark.parametrize("question, asked", [
    ("这个办法一共分几章？", {"章"}), ("本办法总共有多少条？", {"条"}), ("这个办法一共分几章、几条？", {"章", "条"}),
    ("这份意见一共列了多少条措施？", set()),  # a count of what a clause lists
    ("规划原则有几条原则？", set()),
])
def test_the_chapters_or_articles_asked(question: str, asked: set[str]) -> None:
    assert {m.group(1) for m in ASKS.finditer(question)} == asked


def test_a_document_s_chapters_and_articles_in_order() -> None:
    assert chapters(RULES) == ["第一章 总则", "第二章 申请", "第三章 附则"]
    assert [name for name, _ in articles(RULES)] == ["第一条", "第二条", "第三条", "第四条"]  # an article cut in two is one
    issued = [Chunk(id=f"n{k}", source="n.md", title=TITLE, section_path=("关于印发《办法》的通知", *c.section_path), ordinal=k, text=c.text)
              for k, c in enumerate(RULES)]
    assert chapters(issued) == chapters(RULES)  # under the notice that issues it


def test_chapters_and_articles_are_answered_first_to_last_citing_the_last_article() -> None:
    draft = ask(RULES, "这个办法一共分几章、几条？")
    assert draft is not None, draft
    assert "第一章至第三章" in draft.text and "第二章 申请" in draft.text and "第一条至第四条" in draft.text
    assert draft.passages[-1].chunk.id == "b4" and verified(draft)
    only = ask(RULES, "本办法总共有多少条？")
    assert only is not None and "第一条至第四条" in only.text and "章" not in only.text.replace("第一条", "")


def test_no_outline_for_another_count_a_document_without_articles_or_a_cited_document() -> None:
    assert ask(RULES, "这个办法规定的申请材料有几个？") is None
    assert ask(PLAN, "这个规划一共有几条？") is None  # no articles to count
    assert ask(RULES, "这个办法依据的条例有多少条？") is None  # a document it cites
    assert ask(RULES, "一共分几章？") is None  # not pointing at the document: may follow up on another


def test_the_composer_answers_how_the_document_is_divided() -> None:
    from assistant.answering.understanding import classify

    composer = composer_of(RULES, TITLE, ISSUER)
    question = "这个办法一共分几章？"
    draft = composer.compose(question, (RetrievedChunk(RULES[4], 1.0, 1),), classify(question))
    assert draft is not None and "第一章至第三章" in draft.text and verified(draft), draft
