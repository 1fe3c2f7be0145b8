"""The attachments a document lists (这份通知附了哪几个附件？), on hand-made chunks without the
embedding model: answered from the list after 附件： in its order, counted as the verification
checks, also when the list is cut into chunks or written on one line; not for a question about
one attachment, nor for a document without such a list."""

from __future__ import annotations

import pytest

from assistant.answering.attachments import ASKS, attachment_list, attachments
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, verified

TITLE = "《关于做好青山县社区养老服务工作的通知》"
ISSUER = "青山县民政局"


def chunk(k: int, path: tuple[str, ...], text: str) -> Chunk:
    return Chunk(id=f"a{k}", source="care.md", title=TITLE, section_path=path, ordinal=k, text=text)


NOTICE = [
    chunk(0, ("一、工作目标",), "到2025年，每个社区建成1个养老服务站。"),
    chunk(1, ("二、保障措施",), "各乡镇要加强组织领导。\n附件：1.青山县社区养老服务站建设标准"),
    chunk(2, ("二、保障措施",), "2.青山县社区养老服务站申请表"),
    chunk(3, ("附件1",), "青山县社区养老服务站建设标准\n一、面积不少于200平方米。"),
]
ONE_LINE = [chunk(0, ("三、工作要求",), "请按时报送。\n附件：1.补贴标准 2.申请流程 3.咨询电话")]
SINGLE = [chunk(0, ("三、工作要求",), "请按时报送。\n附件：青山县养老机构名录")]
NONE = [chunk(0, ("一、工作目标",), "每个社区建成1个养老服务站，申请表见附件1。")]


def ask(chunks: list[Chunk], question: str):  # type: ignore[no-untyped-def]
    return attachments(composer_of(chunks, TITLE, ISSUER), question, (RetrievedChunk(chunks[0], 1.0, 1),))


@pytest.mark.parametrize("question, asked", [
    ("这份通知一共附了哪几个附件？", True), ("附件有哪些？", True), ("这个方案后面附了几个附件", True),
    ("附件1里的面积要求是多少？", False),
    ("申请表在哪个附件里？", False), ("附件1规定了什么？", False),
])
def test_questions_asking_for_the_attachments(question: str, asked: bool) -> None:
    assert bool(ASKS.search(question)) is asked


def test_a_list_cut_into_chunks_is_read_in_order_with_each_chunk() -> None:
    named = attachment_list(NOTICE)
    assert [(n, ch.id) for n, ch in named] == [("青山县社区养老服务站建设标准", "a1"), ("青山县社区养老服务站申请表", "a2")]
    assert [n for n, _ in attachment_list(ONE_LINE)] == ["补贴标准", "申请流程", "咨询电话"]
    assert [n for n, _ in attachment_list(SINGLE)] == ["青山县养老机构名录"]
    assert attachment_list(NONE) == []  # 见附件1 inside a sentence is no list


def test_the_attachments_are_counted_and_each_cited() -> None:
    draft = ask(NOTICE, "这份通知一共附了哪几个附件？")
    assert draft is not None
    assert "共2个" in draft.text and "建设标准[2]" in draft.text and "申请表[3]" in draft.text, draft.text
    assert verified(draft)
    one = ask(SINGLE, "附件是什么？")
    assert one is not None and "青山县养老机构名录[1]" in one.text and verified(one)


def test_no_answer_about_one_attachment_or_without_a_list() -> None:
    assert ask(NOTICE, "附件1里列了哪些附件材料？") is None  # about one attachment
    assert ask(NONE, "这份通知有哪些附件？") is None
    assert ask(NOTICE, "这份通知依据的文件有几个附件？") is None  # a document it cites
    figured = [chunk(0, ("三",), "特此公告。\n附件：\n1.2026年申请表\n2.2026年承诺书")]
    assert ask(figured, "附件有哪些？") is None  # 1.2026 reads as a decimal: left to other handlers
