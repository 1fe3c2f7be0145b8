"""The plan as .docx and as .pdf (written by the tests from the Markdown corpus, with a table of
the key projects) is indexed with the real model and answers the same questions as the
Markdown corpus: the same figures, citing the same sections. A broken file never takes a
document out of service, and ``assistant index`` says what changed before it switches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.chunking import strip_numbering
from assistant.citations import figures
from assistant.cli import main
from assistant.embeddings import Embedder
from assistant.errors import IndexBuildError
from assistant.index import IndexLayout
from assistant.pipeline import Assistant
from tests.conftest import ROOT, make_settings
from tests.plan_files import read_markdown, write_docx, write_pdf

PLAN_MD = next(p for p in sorted((ROOT / "corpus").glob("*.md")) if p.name != "README.md")
#: items of eval/qa.jsonl over every kind of section: facts, figures, lists, a sum, a follow-up
ITEMS = ("q001", "q004", "q008", "q010", "q012", "q016", "q020", "q024", "q030", "q040", "q050", "q060", "q070")


def corpus_with(folder: Path, *files: Path) -> Path:
    """A corpus folder with the project's identity, glossary and synonyms and ``files``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("assistant.yaml", "glossary.yaml", "synonyms.yaml"):
        shutil.copy(ROOT / "corpus" / name, folder / name)
    for f in files:
        if f.parent != folder:
            shutil.copy(f, folder / f.name)
    return folder


def _section(path: str) -> tuple[str, ...]:
    return tuple(strip_numbering(h) for h in path.split(" › "))


@pytest.fixture(scope="module")
def assistants(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> dict[str, Assistant]:
    """The same plan as Markdown, .docx and .pdf, each alone in a corpus (no curated answers)."""
    tmp = tmp_path_factory.mktemp("documents")
    plan = read_markdown(PLAN_MD)
    out = {}
    for kind, write in (("md", None), ("docx", write_docx), ("pdf", write_pdf)):
        corpus = corpus_with(tmp / f"corpus-{kind}", *([PLAN_MD] if write is None else []))
        if write is not None:
            write(plan, corpus / f"plan.{kind}")
        assistant = Assistant(make_settings(tmp / kind, corpus_dir=corpus), embedder=embedder)
        assistant.build_index(progress=False)
        out[kind] = assistant
    return out


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_same_questions_same_figures_same_sections(assistants: dict[str, Assistant], kind: str) -> None:
    items = {i["id"]: i for i in map(json.loads, (ROOT / "eval" / "qa.jsonl").read_text(encoding="utf-8").splitlines())}
    checked = 0
    for item_id in ITEMS:
        item = items[item_id]
        want = assistants["md"].ask(item["question"], history=item.get("history", []))
        got = assistants[kind].ask(item["question"], history=item.get("history", []))
        assert got.refused == want.refused, (item_id, got.text)
        assert set(figures(got.text)) == set(figures(want.text)), (item_id, want.text, got.text)
        assert [_section(c.section) for c in got.citations] == [_section(c.section) for c in want.citations], (item_id, got.text)
        assert all(c.source == f"plan.{kind}" for c in got.citations)
        for group in item["expected_facts"]:
            if any(alt in want.text for alt in group):  # what the Markdown answer states, this one states too
                assert any(alt in got.text for alt in group), (item_id, got.text)
        checked += 1
    assert checked == len(ITEMS)


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_table_row_answers_with_its_header(assistants: dict[str, Assistant], kind: str) -> None:
    rows = [c for c in assistants[kind].index.chunks if "领域：生态安全领域；" in c.text]
    assert rows and "投资：12.74亿元" in rows[0].text and _section(rows[0].section) == ("重点工程",)


def test_a_broken_document_in_service_keeps_the_previous_index(tmp_path: Path, embedder: Embedder) -> None:
    corpus = corpus_with(tmp_path / "corpus", PLAN_MD)  # the plan, and its revision as received
    plan = read_markdown(PLAN_MD)
    write_docx(plan, corpus / "plan.docx")
    assistant = Assistant(make_settings(tmp_path, corpus_dir=corpus), embedder=embedder)
    first = assistant.build_index(progress=False)
    layout = IndexLayout(assistant.settings.index_path)

    (corpus / "plan.docx").write_bytes(b"PK\x03\x04 truncated by a mail client")
    with pytest.raises(IndexBuildError) as err:
        assistant.build_index(progress=False)
    message = str(err.value)
    assert "plan.docx" in message and "\n" not in message
    assert layout.current() == first.path  # the previous index keeps serving

    result = CliRunner().invoke(main, ["index", "--quiet"], env={"ASSISTANT_HOME": str(ROOT), "ASSISTANT_CORPUS_DIR": str(corpus),
                                                                    "ASSISTANT_INDEX_DIR": str(assistant.settings.index_path),
                                                                    "ASSISTANT_MODELS_DIR": str(assistant.settings.models_path)})
    assert result.exit_code == 1 and "plan.docx" in result.output and "Traceback" not in result.output
    assert layout.current() == first.path

    # a new file that cannot be read is skipped and reported; nothing in service is lost
    write_docx(plan, corpus / "plan.docx")
    (corpus / "appendix.pdf").write_bytes(b"%PDF-1.7\nnot really")
    report = assistant.build_index(progress=False)
    assert report.problems and report.problems[0].startswith("appendix.pdf:")
    assert "appendix.pdf" in report.summary()


def test_index_prints_what_changed_before_it_switches(tmp_path: Path, embedder: Embedder) -> None:
    corpus = corpus_with(tmp_path / "corpus", PLAN_MD)
    settings = make_settings(tmp_path, corpus_dir=corpus)
    env = {"ASSISTANT_HOME": str(ROOT), "ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(settings.index_path),
           "ASSISTANT_MODELS_DIR": str(settings.models_path), "HF_HUB_OFFLINE": "1"}
    layout = IndexLayout(settings.index_path)
    seen: list[object] = []
    assistant = Assistant(settings, embedder=embedder)
    assistant.build_index(progress=False, on_changes=lambda c: seen.append((c, layout.current())))
    assert seen[0][0].previous_build is None and seen[0][1] is None

    text = PLAN_MD.read_text(encoding="utf-8")
    changed = text.replace("共投资12.74亿元", "共投资13.10亿元").replace("### 社会参与\n", "### 公众参与\n")
    (corpus / PLAN_MD.name).write_text(changed, encoding="utf-8")
    write_docx(read_markdown(PLAN_MD), corpus / "plan.docx")
    before = layout.current()
    result = CliRunner().invoke(main, ["index", "--quiet"], env=env)
    assert result.exit_code == 0, result.output
    out = result.output
    assert before is not None and before.name in out  # compared with the build in service
    assert "+ plan.docx" in out and f"~ {PLAN_MD.name}" in out
    assert f"~ {PLAN_MD.name} › 六、重点工程 › 生态安全领域" in out
    assert f"+ {PLAN_MD.name} › 七、保障措施 › 公众参与" in out and f"- {PLAN_MD.name} › 七、保障措施 › 社会参与" in out
    assert "新增 added 1, 删除 removed 0, 修改 changed 1" in out  # documents
    assert out.index("changes since") < out.index("索引已建成")  # told before the switch is reported

    seen.clear()
    assistant.build_index(progress=False, on_changes=lambda c: seen.append((c, layout.current())))
    changes, serving = seen[0]
    assert changes.empty and serving is not None and changes.previous_build == serving.name  # told before the switch
