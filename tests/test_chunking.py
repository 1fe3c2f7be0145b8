"""Structure-aware chunking on the real plan and on plain-text documents."""

import re
from pathlib import Path

import pytest

from assistant.chunking import ChunkingConfig, chunk_document
from assistant.corpus import load_corpus
from assistant.types import Document

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def plan() -> Document:
    return load_corpus(ROOT / "corpus").documents[0]


def test_sections_follow_headings(plan: Document):
    chunks = chunk_document(plan, ChunkingConfig(300, 0))
    by_text = {c.text: c.section for c in chunks}
    section_of = lambda needle: next(s for t, s in by_text.items() if needle in t)  # noqa: E731
    assert section_of("12.74亿元") == "六、重点工程 › 生态安全领域"
    assert section_of("6.37亿元") == "六、重点工程 › 生态文化领域"
    assert section_of("扩大公民参与") == "七、保障措施 › 社会参与"
    assert section_of("到2027年") == "三、主要目标 › 2. 近期目标"
    assert section_of("整体优化原则") == "二、规划原则"
    assert section_of("为深入贯彻落实") == plan.title  # the introduction
    # the empty section 五、重点任务 yields no chunk, and headings never become chunk text
    assert not any(s.startswith("五、") for s in by_text.values())
    assert not any(t.startswith("#") for t in by_text)


@pytest.mark.parametrize("size,overlap", [(100, 0), (120, 30), (300, 0), (300, 80)])
def test_chunks_respect_size_and_sentence_boundaries(plan: Document, size: int, overlap: int):
    chunks = chunk_document(plan, ChunkingConfig(size, overlap))
    for c in chunks:
        assert len(c.text) <= size, c.text
        # each chunk ends at a sentence end, a list line end, or (over-long sentence) a comma
        assert re.search(r"[。！？；，、]$|原则$", c.text), c.text
    text = "".join(c.text for c in chunks)
    for figure in re.findall(r"\d+(?:\.\d+)?(?:亿元|个项目|项|年)", plan.text):
        assert figure in text  # no number is cut
    if overlap == 0:  # without overlap the chunks are the body, in order, nothing lost
        body = re.sub(r"\s+|#+ [^\n]*", "", re.sub(r"^#.*$", "", plan.text, flags=re.M))
        assert re.sub(r"\s+", "", text) == body


def test_ids_are_stable_and_follow_content(plan: Document):
    a = chunk_document(plan, ChunkingConfig(300, 0))
    b = chunk_document(plan, ChunkingConfig(300, 0))
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
    changed = Document(plan.source, plan.title, plan.text.replace("12.74亿元", "12.75亿元"))
    ids_changed = {c.id for c in chunk_document(changed, ChunkingConfig(300, 0))}
    assert len({c.id for c in a} - ids_changed) == 1  # only the edited chunk gets a new id


def test_plain_text_headings_and_lists():
    doc = Document(
        "t.txt",
        "测试文件",
        "前言。\n\n一、总体要求\n\n（一）目标\n\n到2030年，森林覆盖率达到70.5%。\n\n"
        "二、原则\n1. 保护优先\n2. 绿色发展\n\n三、措施\n1. 资金\n加大投入。\n",
    )
    chunks = chunk_document(doc, ChunkingConfig(300, 0))
    sections = [c.section for c in chunks]
    assert sections == ["测试文件", "一、总体要求 › （一）目标", "二、原则", "三、措施 › 1. 资金"]
    assert chunks[2].text == "1. 保护优先\n2. 绿色发展"
    assert "70.5%" in chunks[1].text


def test_long_sentence_split_at_commas_not_numbers():
    sentence = "，".join(f"第{i}项投资12.74亿元" for i in range(30)) + "。"
    doc = Document("x.md", "X", "# X\n\n## 一、长句\n\n" + sentence)
    chunks = chunk_document(doc, ChunkingConfig(60, 0))
    assert len(chunks) > 1
    assert all("12.74亿元" in c.text for c in chunks)
    assert "".join(c.text for c in chunks) == sentence


def test_long_sentence_not_split_inside_an_address_or_a_figure():
    """A clause ends at an ASCII comma or colon only outside a figure or an address: a
    long sentence split at its clauses keeps https://… and 5,000元 whole."""
    sentence = (
        "申领人可通过网上服务平台办理，平台网址：https://ggfw.example.gov.cn/gdggfw/index，"
        + "，".join(f"第{i}项补贴5,000元" for i in range(12))
        + "。"
    )
    doc = Document("x.md", "X", "# X\n\n## 一、长句\n\n" + sentence)
    chunks = chunk_document(doc, ChunkingConfig(60, 0))
    assert len(chunks) > 1
    assert any("https://ggfw.example.gov.cn/gdggfw/index" in c.text for c in chunks)
    assert all(c.text.count("5,000元") == c.text.count("补贴") for c in chunks)
    assert "".join(c.text for c in chunks) == sentence


def test_articles_head_their_text_in_markdown_too():
    """An article (第X条) of a Markdown document is a section below its chapter, whether its
    name stands in brackets on a line of its own or its text follows on the same line."""
    doc = Document(
        "m.md",
        "管理办法",
        "# 管理办法\n\n## 第一章 总则\n\n第一条(目的和依据)\n\n为规范管理，制定本办法。\n\n"
        "第二条 本办法适用于本区。\n\n## 第二章 申请\n\n第三条（申请条件）\n\n申请人应当符合下列条件：\n"
        "(一)年满18周岁;\n(二)在本区工作。\n",
    )
    chunks = chunk_document(doc, ChunkingConfig(300, 0))
    paths = [c.section_path for c in chunks]
    assert paths == [
        ("第一章 总则", "第一条(目的和依据)"),
        ("第一章 总则", "第二条"),
        ("第二章 申请", "第三条（申请条件）"),
    ]
    assert chunks[1].text == "本办法适用于本区。"
    assert chunks[2].text.startswith("申请人应当符合下列条件") and "(二)在本区工作。" in chunks[2].text


@pytest.mark.parametrize(
    "heading, name",
    [("第四条(供应对象)", "供应对象"), ("第四条（供应对象）", "供应对象"), ("第四条 供应对象", "供应对象"),
     ("第四条", "第四条"), ("（一）目标", "目标"), ("(说明)", "(说明)")],
)
def test_an_article_heading_is_named_by_its_bracketed_name(heading: str, name: str):
    from assistant.chunking import strip_numbering

    assert strip_numbering(heading) == name


def test_a_list_item_that_fits_a_chunk_is_not_cut_between_two() -> None:
    """The second clause of an item (居民参保人员…) stays with the item's head (2. B类护理：…),
    so that a chunk never starts with a clause whose subject is in another chunk."""
    text = (
        "# 办法\n## 第一章 待遇\n服务形式如下：\n"
        "1. A类护理：每日派护理人员上门提供生活照料服务。\n"
        "2. B类护理：职工参保人员每月上门次数不低于12次，每月服务时间为28小时；居民参保人员每月上门次数不低于6次，每月服务时间为14小时。\n"
        "3. C类护理：职工参保人员每月上门次数不低于4次，每月服务时间为8小时；居民参保人员每月上门次数不低于2次，每月服务时间为5小时。\n"
    )
    chunks = chunk_document(Document("m.md", "办法", text, {}), ChunkingConfig(120, 0))
    starts = [c.text.split("\n")[0] for c in chunks]
    assert not any(s.startswith(("居民", "C类")) for s in starts), starts
    assert any("2. B类护理" in c.text and c.text.endswith("14小时。") for c in chunks)  # a list number is no full stop
    assert any(c.text.startswith("3. C类护理") and c.text.endswith("5小时。") for c in chunks)
    assert all(len(c.text) <= 120 for c in chunks)
    # a line longer than a chunk is still split on its sentences
    long = chunk_document(Document("m.md", "办法", "# 办法\n" + "第一句很长很长。" * 30, {}), ChunkingConfig(60, 0))
    assert len(long) > 1 and all(len(c.text) <= 60 for c in long)


def test_a_statement_written_as_a_heading_is_also_its_sections_text() -> None:
    """七、本通知自…起施行，有效期5年。 made a heading states the document's validity: its words are
    searched and quoted; a title ending in a full stop or a question title stays a name only."""
    text = (
        "# 关于某事的通知\n\n## 一、加强组织领导。\n\n各区要落实责任。\n\n"
        "## 2.申请需要哪些条件？\n\n年满18周岁。\n\n"
        "## 七、本通知自2024年3月4日起施行，有效期5年。\n\n附件：1.申请表\n"
    )
    chunks = chunk_document(Document(source="n.md", title="关于某事的通知", text=text), ChunkingConfig(300, 0))
    by_section = {c.section_path[-1]: c.text for c in chunks}
    assert by_section["七、本通知自2024年3月4日起施行，有效期5年。"].startswith("本通知自2024年3月4日起施行，有效期5年。")
    assert by_section["一、加强组织领导。"] == "各区要落实责任。"
    assert by_section["2.申请需要哪些条件？"] == "年满18周岁。"
