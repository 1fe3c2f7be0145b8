"""Documents as staff receive them: real .docx and .pdf files written by python-docx and
reportlab from the Markdown corpus, read back by ``assistant.corpus`` (no model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chunking import ChunkingConfig, chunk_document, strip_numbering
from assistant.corpus import load_corpus, load_document
from assistant.errors import DocumentError
from assistant.loaders import row_lines
from assistant.types import Document
from tests.plan_files import Block, Plan, project_table, read_markdown, short_title, write_docx, write_pdf, write_scanned_pdf

ROOT = Path(__file__).resolve().parents[1]
PLAN_MD = next(p for p in sorted((ROOT / "corpus").glob("*.md")) if p.name != "README.md")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return read_markdown(PLAN_MD)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, plan: Plan) -> dict[str, Document]:
    folder = tmp_path_factory.mktemp("files")
    write_docx(plan, folder / "plan.docx")
    write_pdf(plan, folder / "plan.pdf")
    write_pdf(plan, folder / "plan-cid.pdf", font="cid")
    return {p.name: load_document(p, folder) for p in sorted(folder.iterdir())}


def _sections(doc: Document) -> set[tuple[str, ...]]:
    return {tuple(strip_numbering(h) for h in c.section_path) for c in chunk_document(doc, ChunkingConfig(150))}


def test_headings_become_the_same_sections_as_markdown(files: dict[str, Document]) -> None:
    markdown = _sections(load_document(PLAN_MD, PLAN_MD.parent))
    for name, doc in files.items():
        # the table of key projects stands under 六、重点工程 itself, which has no text in Markdown
        assert _sections(doc) == markdown | {("重点工程",)}, name


def test_title_is_read_and_not_left_in_the_body(files: dict[str, Document], plan: Plan) -> None:
    for name, doc in files.items():
        assert doc.title == plan.title, name
    pdf = files["plan.pdf"]
    assert plan.title not in pdf.text  # the big title line of page 1 is not a body line


def test_table_rows_keep_their_header_and_unit(files: dict[str, Document], plan: Plan) -> None:
    rows = project_table(plan)[1:]
    assert len(rows) == 5
    for name, doc in files.items():
        for row in rows:
            area, count, money = row[1], row[2], row[4]
            line = next((l for l in doc.text.splitlines() if l.strip().lstrip("#").strip().startswith(f"领域：{area}；")), None)
            assert line is not None, (name, area)
            assert f"项目数：{count}个" in line
            assert "序号" not in line  # a column that only numbers the rows says nothing
            if money != "—":
                assert f"投资：{money}亿元" in line, (name, line)
            else:
                assert "投资" not in line


def test_a_table_row_is_one_chunk_unit(files: dict[str, Document]) -> None:
    chunks = chunk_document(files["plan.pdf"], ChunkingConfig(150))
    row = next(c for c in chunks if "领域：生态安全领域；" in c.text)
    assert "投资：12.74亿元" in row.text  # the area and its money stay in one chunk
    assert strip_numbering(row.section_path[-1]) == "重点工程"


def test_page_headers_footers_and_numbers_are_dropped(files: dict[str, Document], plan: Plan) -> None:
    running = short_title(plan)
    for name in ("plan.pdf", "plan-cid.pdf"):
        text = files[name].text
        assert "第 1 页" not in text and "第 2 页" not in text, name
        assert not any(line.strip() == running for line in text.splitlines()), name
    # the .docx has the same header and footer; Word keeps them out of the body
    assert running not in {line.strip() for line in files["plan.docx"].text.splitlines()}


def test_wrapped_pdf_lines_are_joined_into_their_sentence(files: dict[str, Document], plan: Plan) -> None:
    intro = next(b.text for b in plan.blocks if b.kind == "p")
    assert intro in files["plan.pdf"].text.replace("\n", "") and intro in files["plan.pdf"].text


def test_a_table_continued_on_the_next_page_keeps_its_header(tmp_path: Path) -> None:
    header = ["序号", "项目名称", "建设内容", "投资（万元）"]
    rows = [[str(i), f"示范项目{i}", "建设道路、管网和绿化，" * 3, f"{100 + i}"] for i in range(1, 41)]
    plan = Plan("《示例规划》", {}, [Block("title", "《示例规划》"), Block("h2", "一、项目安排"), Block("table", rows=[header, *rows])])
    for repeat in (1, 0):  # with and without the header repeated on the new page
        out = write_pdf(plan, tmp_path / f"long-{repeat}.pdf", table_rows_repeat=repeat)
        text = load_document(out, tmp_path).text
        lines = [l for l in text.splitlines() if l.startswith("项目名称：")]
        assert len(lines) == 40, (repeat, text[:300])
        assert "项目名称：示范项目40；" in lines[-1] and lines[-1].endswith("投资：140万元。")
        assert "序号" not in text


def test_row_lines_rules() -> None:
    assert row_lines([["项目名称", "投资（万元）", "备注"], ["河道治理", "1,200", "—"]]) == ["项目名称：河道治理；投资：1,200万元。"]
    assert row_lines([["只有一行", "两列"]]) == ["只有一行", "两列"]  # not a table of records
    assert row_lines([["a", "b"]], header=["项目", "投资（亿元）"]) == ["项目：a；投资：b。"]


def test_row_lines_groups_and_two_row_headers() -> None:
    # a row of one cell names the group of the rows under it; a merged Word cell repeats
    rows = [["序号", "指标名称", "目标值"], ["养老方面", "", ""], ["1", "床位总量（张）", "3000"],
            ["托育方面", "托育方面", "托育方面"], ["1", "托位数（个）", "4.5"]]
    assert row_lines(rows) == ["类别：养老方面；指标名称：床位总量（张）；目标值：3000。",
                               "类别：托育方面；指标名称：托位数（个）；目标值：4.5。"]
    # a name spanning two columns over the names of each
    rows = [["存量", "", "计划新增", ""], ["床位数（张）", "其中普惠（张）", "床位数（张）", "其中普惠（张）"], ["2578", "210", "422", "250"]]
    assert row_lines(rows) == ["存量床位数：2578张；存量其中普惠：210张；计划新增床位数：422张；计划新增其中普惠：250张。"]
    # a first data row with figures is not a second header
    assert row_lines([["项目", "", "投资（万元）"], ["河道", "治理", "1200"]]) == ["项目：河道；治理；投资：1200万元。"]


def test_markdown_and_html_tables_become_row_lines(tmp_path: Path) -> None:
    table = "| 序号 | 项目名称 | 总投资（万元） |\n|---|:---:|---|\n| 一、养老项目 | | |\n| 1 | 君山中心 | 7500 |\n| 2 | 怡馨\\|中心 | 5000 |\n"
    (tmp_path / "a.md").write_text(f"---\ntitle: 方案\n---\n# 方案\n\n## 附件\n\n{table}\n备注：滚动更新。\n", encoding="utf-8")
    text = load_document(tmp_path / "a.md", tmp_path).text
    assert "类别：一、养老项目；项目名称：君山中心；总投资：7500万元。\n类别：一、养老项目；项目名称：怡馨|中心；总投资：5000万元。" in text
    assert "|---" not in text and "备注：滚动更新。" in text
    chunks = chunk_document(load_document(tmp_path / "a.md", tmp_path), ChunkingConfig(300))
    assert ("附件",) == chunks[-1].section_path[-1:] and "君山中心" in chunks[-1].text
    (tmp_path / "b.html").write_text(
        "<h2>一、表</h2><table><tr><th>领域</th><th>项目数</th><th>投资<br>（亿元）</th></tr><tr><td colspan=3>生态方面</td></tr>"
        "<tr><td>生态<br>安全</td><td>14个</td><td>12.74</td></tr></table><p>后文。</p>", encoding="utf-8")
    lines = load_document(tmp_path / "b.html", tmp_path).text.splitlines()
    assert "类别：生态方面；领域：生态安全；项目数：14个；投资：12.74亿元。" in lines and "后文。" in lines


def test_numbered_clauses_become_sections() -> None:
    text = "第一章 总则\n第一条 为加强储备粮管理，制定本办法。\n第二条 本办法适用于市级储备粮。\n第二章 储存\n第三条 储备粮应当储存在指定库点。"
    chunks = chunk_document(Document("rules.txt", "办法", text), ChunkingConfig(150))
    paths = {c.section_path: c.text for c in chunks}
    assert paths[("第一章 总则", "第二条")] == "本办法适用于市级储备粮。"
    assert paths[("第二章 储存", "第三条")] == "储备粮应当储存在指定库点。"


def test_a_scanned_pdf_is_one_sentence_naming_the_file(tmp_path: Path) -> None:
    write_scanned_pdf(tmp_path / "扫描件.pdf")
    with pytest.raises(DocumentError) as err:
        load_document(tmp_path / "扫描件.pdf", tmp_path)
    message = str(err.value)
    assert message.startswith("扫描件.pdf:") and "扫描件" in message.split(":", 1)[1] and "\n" not in message


@pytest.mark.parametrize("name", ["broken.pdf", "broken.docx"])
def test_a_broken_file_is_one_sentence_naming_the_file(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50 if name.endswith(".pdf") else b"PK\x03\x04not a zip")
    with pytest.raises(DocumentError) as err:
        load_document(tmp_path / name, tmp_path)
    assert str(err.value).startswith(f"{name}:") and "\n" not in str(err.value) and "Traceback" not in str(err.value)
    (tmp_path / "ok.md").write_text("# 标题\n\n正文。\n", encoding="utf-8")
    loaded = load_corpus(tmp_path)  # the other documents still load; the broken one is reported
    assert [d.source for d in loaded.documents] == ["ok.md"] and [p.source for p in loaded.problems] == [name]


def test_a_line_that_line_breaking_left_short_goes_on_in_the_next() -> None:
    """A wrapped line may stop a character or two short of the right edge (、，。 may not
    open a line, so the character before them moves down): it still goes on in the next
    line; a line that closes its sentence does not."""
    from assistant.loaders.pdf import _body_lines

    def line(text: str, top: float, x1: float, x0: float = 50.0) -> dict:
        return {"text": text, "top": top, "bottom": top + 12, "x0": x0, "x1": x1, "size": 10.0}

    full, short_by_two = 550.0, 530.0
    lines = [
        line("项目包括智慧农场示范园项目、乡村振兴光伏发电", 200, short_by_two, x0=71.0),
        line("项目、龙头山风景区项目等，共投资2.64亿元。", 217, 300.0),
        line("生态安全领域涉及14个项目，项目包括中小河流治理工程、乡镇生活垃圾转运系", 234, full, x0=71.0),
        line("统建设工程等，共投资12.74亿元，这一句在此结束。", 251, short_by_two),
        line("下一段不接在上一句后面。", 268, 200.0),
    ]
    page = {"lines": lines, "tables": [], "height": 842.0}
    assert _body_lines([page], set()) == [
        "项目包括智慧农场示范园项目、乡村振兴光伏发电项目、龙头山风景区项目等，共投资2.64亿元。",
        "生态安全领域涉及14个项目，项目包括中小河流治理工程、乡镇生活垃圾转运系统建设工程等，共投资12.74亿元，这一句在此结束。",
        "下一段不接在上一句后面。",
    ]
