"""Curated answers (corpus/curated.yaml): checked at ``assistant index``, stored in the build,
matched by meaning before the normal path, cited like any answer. Real model, real index."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from assistant.curated import CuratedAnswers, load_curated
from assistant.embeddings import Embedder
from assistant.errors import CuratedError
from assistant.index import IndexLayout
from assistant.pipeline import Assistant
from tests.conftest import ROOT, make_settings

PLAN_MD = next(p for p in sorted((ROOT / "corpus").glob("*.md")) if p.name != "README.md")
#: questions the assistant refuses without a curated answer (the interpretation never says
#: 全称 or how long the plan runs in these words)
REFUSED = ("规划的全称是什么？", "这个规划管几年？")
PARAPHRASES = ("规划完整的名字叫什么", "这个规划一共管多少年")
QUOTE = "到2035年，生态文明建设提高到一个新水平。"
ENTRY = f"""\
# each entry: a question staff answered themselves
- id: full-name
  questions:
    - 这个规划的全称是什么？
    - 规划全名叫啥
  answer: 《规划》的全称是《临江市生态文明建设示范区建设规划（2024—2035年）》[1]。
  citations:
    - source: {PLAN_MD.name}
      quote: 开展了《临江市生态文明建设示范区建设规划（2024—2035年）》（以下简称《规划》）编制工作
- id: 规划期限
  questions:
    - 规划期限是哪几年？
    - 规划期是多少年？
  answer: 《规划》的期限是2024—2035年[1]，远期目标是到2035年生态文明建设提高到一个新水平[2]。
  citations:
    - source: {PLAN_MD.name}
      quote: 《临江市生态文明建设示范区建设规划（2024—2035年）》（以下简称《规划》）
    - source: {PLAN_MD.name}
      quote: {QUOTE}
"""


def _corpus(folder: Path, curated: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("assistant.yaml", "glossary.yaml", "synonyms.yaml", PLAN_MD.name):
        shutil.copy(ROOT / "corpus" / name, folder / name)
    if curated is not None:
        (folder / "curated.yaml").write_text(curated, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> tuple[Assistant, Path]:
    tmp = tmp_path_factory.mktemp("curated")
    corpus = _corpus(tmp / "corpus")
    assistant = Assistant(make_settings(tmp, corpus_dir=corpus), embedder=embedder)
    assistant.build_index(progress=False)
    assert all(assistant.ask(q).refused for q in REFUSED)  # refused today
    (corpus / "curated.yaml").write_text(ENTRY, encoding="utf-8")
    report = assistant.build_index(progress=False)
    assert report.curated == 2
    return assistant, corpus


def test_a_curated_answer_is_served_after_rebuild_and_cited(served: tuple[Assistant, Path]) -> None:
    assistant, _ = served
    fresh = Assistant(assistant.settings, embedder=assistant.embedder)  # the next start of the app
    name = fresh.ask(REFUSED[0])
    assert not name.refused and name.mode == "curated" and "2024—2035年）》[1]" in name.text
    assert [c.n for c in name.citations] == [1] and name.citations[0].source == PLAN_MD.name
    assert name.citations[0].section == fresh.index.chunks[0].section_path[0]  # the introduction, under the title
    assert "（以下简称《规划》）编制工作" in name.citations[0].text

    period = fresh.ask(REFUSED[1])
    assert not period.refused and period.mode == "curated" and "2024—2035年[1]" in period.text
    assert [c.n for c in period.citations] == [1, 2]
    assert all(c.chunk_id in fresh.index.by_id for c in period.citations)
    assert period.citations[1].section == "三、主要目标 › 3. 远期目标" and QUOTE in period.citations[1].text
    assert period.to_json()["citations"][1]["section"] == "三、主要目标 › 3. 远期目标"


def test_a_paraphrase_matches(served: tuple[Assistant, Path]) -> None:
    assistant, _ = served
    name, period = (assistant.ask(q) for q in PARAPHRASES)
    assert name.mode == "curated" and "全称" in name.text
    assert period.mode == "curated" and period.citations[1].section == "三、主要目标 › 3. 远期目标"


def test_unrelated_questions_are_not_captured(served: tuple[Assistant, Path]) -> None:
    assistant, _ = served
    items = [json.loads(line) for line in (ROOT / "eval" / "qa.jsonl").read_text(encoding="utf-8").splitlines()]
    questions = [i["question"] for i in items if not i.get("history")][::4] + ["近期目标是什么？", "到2027年要达到什么目标？", "今天天气怎么样"]
    captured = [q for q in questions if assistant.ask(q).mode == "curated"]
    assert captured == []


def test_the_threshold_separates_paraphrases_from_other_questions(served: tuple[Assistant, Path]) -> None:
    """Calibration: paraphrases of the entries score at or above the threshold, the
    questions of eval/qa.jsonl that ask about anything else below it."""
    assistant, _ = served
    curated = CuratedAnswers.open(assistant.index.path)
    embed = assistant.embedder.embed_queries
    paraphrases = [*PARAPHRASES, "规划全名是什么", "规划从哪年到哪年"]
    others = [json.loads(line)["question"] for line in (ROOT / "eval" / "qa.jsonl").read_text(encoding="utf-8").splitlines()]
    others = [q for q in others if not any(w in q for w in ("全称", "名称", "名字", "哪年", "几年", "哪两年", "起止", "期限", "多久", "多长"))]
    low = min(curated.best(v).score for v in embed(paraphrases))  # type: ignore[union-attr]
    high = max(curated.best(v).score for v in embed(others))  # type: ignore[union-attr]
    assert low >= curated.threshold > high, (low, high)


def test_a_figure_absent_from_its_quote_fails_the_build_naming_the_entry(served: tuple[Assistant, Path], tmp_path: Path, embedder: Embedder) -> None:
    assistant, corpus = served
    bad = ENTRY + textwrap.dedent(
        f"""\
        - id: total-investment
          questions: [三个领域一共投资多少？]
          answer: 三个领域共投资25.5亿元[1]。
          citations:
            - source: {PLAN_MD.name}
              quote: 共投资12.74亿元
        """
    )
    (corpus / "curated.yaml").write_text(bad, encoding="utf-8")
    before = IndexLayout(assistant.settings.index_path).current()
    try:
        with pytest.raises(CuratedError) as err:
            assistant.build_index(progress=False)
        message = str(err.value)
        assert "total-investment" in message and "25.5" in message and "\n" not in message
        assert IndexLayout(assistant.settings.index_path).current() == before  # the previous index keeps serving
        assert assistant.ask(REFUSED[0]).mode == "curated"
    finally:
        (corpus / "curated.yaml").write_text(ENTRY, encoding="utf-8")


def test_a_quote_gone_after_a_document_update_names_the_entry(tmp_path: Path, embedder: Embedder) -> None:
    corpus = _corpus(tmp_path / "corpus", ENTRY)
    text = (corpus / PLAN_MD.name).read_text(encoding="utf-8")
    (corpus / PLAN_MD.name).write_text(text.replace(QUOTE, "到2035年，生态文明建设迈上新台阶。"), encoding="utf-8")
    assistant = Assistant(make_settings(tmp_path, corpus_dir=corpus), embedder=embedder)
    with pytest.raises(CuratedError) as err:
        assistant.build_index(progress=False)
    assert "规划期限" in str(err.value) and "[2]" in str(err.value)  # the entry and its citation
    assert IndexLayout(assistant.settings.index_path).current() is None


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("- id: a\n  questions: [问]\n  answer: 答[1]。\n  citations: []\n", "a"),
        ("- id: a\n  questions: [问]\n  answer: 答[1]。\n  citations: [{source: x.md, quote: 原文}]\n"
         "- id: a\n  questions: [问]\n  answer: 答[1]。\n  citations: [{source: x.md, quote: 原文}]\n", "a"),
        ("- questions: [问]\n", "1"),
        ("id: a\n", "curated.yaml"),
    ],
)
def test_an_invalid_file_is_one_sentence(tmp_path: Path, text: str, fragment: str) -> None:
    (tmp_path / "curated.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CuratedError) as err:
        load_curated(tmp_path)
    assert fragment in str(err.value) and "\n" not in str(err.value)
