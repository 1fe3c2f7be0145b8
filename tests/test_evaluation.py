"""The evaluation: metric functions on toy inputs, the Q&A file reader, scoring, the gate,
and the runner end to end on a small Q&A file with the real assistant."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import cli
from assistant import evaluation as ev
from assistant.evaluation import (
    Output,
    QAItem,
    QAQuestion,
    check_gate,
    citation_precision,
    fact_coverage,
    hit_at_k,
    load_qa,
    ndcg_at_k,
    percentile,
    reciprocal_rank,
    retrieval_metrics,
)
from assistant.pipeline import Assistant
from assistant.types import Citation


# ----------------------------------------------------------------------------- retrieval metrics
RANKED = ["a", "b", "c", "d", "e"]
RELEVANT = {"b", "d"}


def test_hit_at_k():
    assert hit_at_k(RANKED, RELEVANT, 1) == 0.0
    assert hit_at_k(RANKED, RELEVANT, 2) == 1.0
    assert hit_at_k(RANKED, {"z"}, 5) == 0.0
    assert hit_at_k([], RELEVANT, 5) == 0.0


def test_reciprocal_rank():
    assert reciprocal_rank(RANKED, RELEVANT) == 0.5
    assert reciprocal_rank(RANKED, {"e"}) == 0.2
    assert reciprocal_rank(RANKED, {"e"}, k=4) == 0.0  # beyond the cut-off
    assert reciprocal_rank(RANKED, set()) == 0.0


def test_ndcg_known_values():
    # relevant at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); ideal = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(RANKED, RELEVANT, 10) == pytest.approx(expected)
    assert ndcg_at_k(RANKED, RELEVANT, 10) == pytest.approx(0.650921, abs=1e-6)
    assert ndcg_at_k(["b", "d", "a"], RELEVANT, 10) == pytest.approx(1.0)
    assert ndcg_at_k(RANKED, set(), 10) == 0.0
    # only the first k count, and the ideal is capped at k
    assert ndcg_at_k(["a", "b"], {"b", "x", "y"}, 2) == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))


def test_retrieval_metrics_average_over_queries_with_relevant_ids():
    run = {"q1": ["a", "b"], "q2": ["c", "d", "e"], "q3": ["a"]}
    qrels = {"q1": {"a"}, "q2": {"e"}, "q3": set()}  # q3 has no relevant passage: left out
    m = retrieval_metrics(run, qrels)
    assert m["queries"] == 2
    assert m["hit@1"] == 0.5
    assert m["hit@3"] == 1.0
    assert m["mrr@10"] == pytest.approx((1 + 1 / 3) / 2)
    assert m["ndcg@10"] == pytest.approx((1 + 0.5) / 2)  # 1/log2(4) = 0.5


# ----------------------------------------------------------------------------- answer metrics
def test_fact_coverage_normalizes_nfkc_case_and_space():
    assert fact_coverage("共投资１２．７４亿元", [["12.74亿"]]) == 1.0  # full-width digits and dot (NFKC)
    assert fact_coverage("Green  Mountains and rivers", [["greenmountains"]]) == 1.0  # case and spaces
    assert fact_coverage("12 . 74 亿", [["12.74亿"]]) == 1.0
    assert fact_coverage("二十届 一中、二中全会", [["二十届一中、二中全会"]]) == 1.0


def test_fact_coverage_counts_groups_with_any_alternative():
    groups = [["5条", "五条"], ["政府主导"], ["不存在"]]
    assert fact_coverage("规划原则共五条，包括政府主导", groups) == pytest.approx(2 / 3)
    assert fact_coverage("无关", groups) == 0.0
    assert fact_coverage("任何回答", []) == 1.0


def test_citation_precision():
    cited = ["生态安全领域共投资12.74亿元。", "保障措施：加强组织领导。"]
    assert citation_precision(cited, ["共投资12.74亿元"]) == 0.5
    assert citation_precision(cited, ["12.74 亿元", "加强组织领导"]) == 1.0  # normalized, any evidence
    assert citation_precision([], ["共投资12.74亿元"]) is None


def test_percentile_and_median():
    values = [4.0, 1.0, 3.0, 2.0]
    assert percentile(values, 50) == 2.5
    assert percentile(values, 95) == pytest.approx(3.85)
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile([], 95) == 0.0
    assert ev.median([3, 1, 2]) == 2


# ----------------------------------------------------------------------------- the Q&A file
GOOD = {"id": "t1", "question": "生态安全领域投资多少？", "category": "number", "answerable": True,
        "expected_facts": [["12.74亿"]], "evidence": ["共投资12.74亿元"]}


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def test_load_qa_reads_the_contract(tmp_path: Path):
    follow = {"id": "t2", "question": "那生态文化领域呢？", "category": "multi_turn", "answerable": True,
              "expected_facts": [["6.37亿"]], "evidence": ["共投资6.37亿元"], "history": ["生态经济领域投资多少？"]}
    items = load_qa(write_jsonl(tmp_path / "qa.jsonl", [GOOD, "", follow]))
    assert [i.id for i in items] == ["t1", "t2"]
    assert items[0].expected_facts == (("12.74亿",),)
    assert items[1].history == ("生态经济领域投资多少？",)


def test_the_project_qa_set_loads():
    items = load_qa(Path(__file__).resolve().parents[1] / "eval" / "qa.jsonl")
    assert len(items) >= 100 and all(isinstance(i, QAItem) for i in items)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ({**GOOD, "id": "t9", "answerable": "yes"}, "'answerable'"),
        ({k: v for k, v in GOOD.items() if k != "evidence"} | {"id": "t9"}, "'evidence'"),
        ({**GOOD, "id": "t9", "category": "trivia"}, "unknown category"),
        ({**GOOD, "id": "t9", "expected_facts": ["12.74亿"]}, "expected_facts"),
        ({**GOOD, "id": "t9", "expected_facts": [[]]}, "expected_facts"),
        ({**GOOD, "id": "t9", "evidence": [3]}, "evidence"),
        ({**GOOD, "id": "t9", "history": "生态经济领域投资多少？"}, "history"),
        ({**GOOD}, "duplicate id"),
    ],
)
def test_load_qa_rejects_malformed_lines_naming_the_line(tmp_path: Path, bad, message: str):
    path = write_jsonl(tmp_path / "qa.jsonl", [GOOD, "", bad])
    with pytest.raises(ValueError) as err:
        load_qa(path)
    assert "qa.jsonl:3:" in str(err.value)
    assert message in str(err.value)


# ----------------------------------------------------------------------------- scoring, with fake outputs
def _item(id: str, answerable: bool, facts=(), evidence=(), category="fact") -> QAItem:
    return QAItem(id, f"问题{id}", category if answerable else "unanswerable", answerable,
                  tuple(tuple(g) for g in facts), tuple(evidence))


def _out(id: str, answer: str, refused=False, cited=(), rankings=None) -> Output:
    cites = tuple(Citation(n, cid, "doc.md", "", text) for n, (cid, text) in enumerate(cited, start=1))
    return Output(id, answer, refused, "not_covered" if refused else None, cites, 10.0 * int(id[1:]),
                  f"问题{id}", rankings or {"dense": ()})


PASSAGES = [("p1", "生态安全领域共投资12.74亿元，涉及14个项目。"), ("p2", "生态文化领域共投资6.37亿元。"), ("p3", "保障措施。")]


def test_scoring_by_hand():
    items = [
        _item("q1", True, [["12.74亿"], ["14个"]], ["共投资12.74亿元"]),
        _item("q2", True, [["6.37亿"], ["3个"]], ["共投资6.37亿元"]),
        _item("q3", True, [["保障措施"]], ["保障措施"]),
        _item("q4", False),
        _item("q5", False),
    ]
    outputs = [
        _out("q1", "共投资12.74亿元，涉及14个项目[1]。", cited=[PASSAGES[0]], rankings={"dense": ("p1", "p2")}),
        _out("q2", "生态文化领域共投资6.37亿元[1]。另有7个[2]。", cited=[PASSAGES[1], PASSAGES[2]],
             rankings={"dense": ("p3", "p2")}),
        _out("q3", "抱歉，无法回答。", refused=True, rankings={"dense": ("p1", "p2", "p3")}),
        _out("q4", "不涉及。", refused=True),
        _out("q5", "乱答一通。"),
    ]
    rows, m = ev.score_system(items, outputs, PASSAGES, ("dense",))
    assert [r["pass"] for r in rows] == [True, False, False, True, False]
    assert [r["reason"] for r in rows] == ["", "missing facts", "refused an answerable question", "",
                                           "answered instead of refusing"]
    assert rows[1]["missing_facts"] == [["3个"]]
    assert rows[1]["verified"] is False and rows[1]["unverified"] == ["7"]  # 7 is in no passage that [2] cites
    assert m["answers"]["fact_recall"] == pytest.approx((1 + 0.5 + 0) / 3)  # a refusal covers nothing
    assert m["answers"]["exact_rate"] == pytest.approx(1 / 3)
    assert m["answers"]["citation_precision"] == pytest.approx((1 + 0.5) / 2)
    assert m["answers"]["verified_share"] == pytest.approx(2 / 3)  # q1 yes, q2 no, q5 has no figures
    assert m["answers"]["median_length"] == len(outputs[0].answer)  # lengths of q1, q5, q2
    assert m["refusals"]["accuracy"] == 0.5
    assert m["refusals"]["false_refusal_rate"] == pytest.approx(1 / 3)
    assert m["refusals"]["kinds"] == {"not_covered": 2}
    assert m["pass_rate"] == pytest.approx(2 / 5)
    # wrong: q2 (answered, a fact group missing) and q5 (answered instead of refusing)
    assert m["answers"]["wrong_answers"] == 2 and m["answers"]["wrong_answer_rate"] == pytest.approx(2 / 5)
    assert m["latency"]["p50_ms"] == 30.0
    assert m["retrieval"]["dense"]["hit@1"] == pytest.approx(1 / 3)
    assert m["retrieval"]["dense"]["mrr@10"] == pytest.approx((1 + 0.5 + 1 / 3) / 3)
    assert rows[1]["ranks"] == {"dense": 2}
    cats = m["categories"]
    assert cats["fact"]["exact_rate"] == pytest.approx(1 / 3) and cats["fact"]["refusal_accuracy"] is None
    assert cats["unanswerable"]["pass_rate"] == 0.5 and cats["unanswerable"]["fact_recall"] is None


def _row(answer: str = "回答", refused: bool = False, missing=(), passed: bool = True) -> dict:
    """A scored row as score_output makes it, written by hand."""
    return {"answer": answer, "refused": refused, "refusal_kind": "not_covered" if refused else None,
            "fact_coverage": 0.0 if missing else 1.0, "missing_facts": [list(g) for g in missing],
            "citation_precision": None, "verified": None if refused else True, "latency_ms": 1.0, "pass": passed}


def test_wrong_answer_rate_on_hand_made_rows():
    groups = [["12.74亿"], ["14个"]]
    items = [
        _item("q1", True, groups),  # answered, every group covered: right
        _item("q2", True, groups),  # answered, one group missing: wrong
        _item("q3", True, groups),  # refused: not an answer, so not wrong (a false refusal)
        _item("q4", False),  # refused as it should: right
        _item("q5", False),  # answered instead of refusing: wrong
        _item("q6", False),  # answered instead of refusing: wrong
        _item("q7", True, []),  # answered, no fact groups to miss: right
    ]
    rows = [
        _row(),
        _row(missing=[["14个"]], passed=False),
        _row("抱歉。", refused=True, missing=groups, passed=False),
        _row("不涉及。", refused=True),
        _row(passed=False),
        _row(passed=False),
        _row(),
    ]
    m = ev.summarize(items, rows)
    assert m["answers"]["wrong_answers"] == 3
    assert m["answers"]["wrong_answer_rate"] == pytest.approx(3 / 7)  # over all items, not the answered ones
    assert m["answers"]["exact_rate"] == pytest.approx(2 / 4)
    assert m["categories"]["fact"]["wrong_answer_rate"] == pytest.approx(1 / 4)
    assert m["categories"]["unanswerable"]["wrong_answer_rate"] == pytest.approx(2 / 3)
    assert ev.summarize(items[:1], rows[:1])["answers"]["wrong_answer_rate"] == 0.0
    assert ev.summarize([items[3]], [rows[3]])["answers"]["wrong_answer_rate"] == 0.0
    assert [ev.is_wrong_answer(i.answerable, r["refused"], r["missing_facts"]) for i, r in zip(items, rows)] == [
        False, True, False, False, True, True, False]


def test_wrong_answer_rate_is_in_the_headline_next_to_the_exact_rate():
    labels = [label for label, _, _ in ev.HEADLINE]
    assert labels[labels.index("exact rate (answerable)") + 1] == "wrong-answer rate (all items)"
    metrics = {"answers": {"exact_rate": 0.5, "wrong_answer_rate": 0.25}, "retrieval_mode": "hybrid"}
    rows = {r[0]: r[1] for r in ev.headline_rows({"project": metrics})}
    assert rows["wrong-answer rate (all items)"] == "0.250"


def test_gate_names_each_metric_that_misses_its_threshold(tmp_path: Path):
    metrics = {"answers": {"fact_recall": 0.8}, "refusals": {"false_refusal_rate": 0.1}, "retrieval": {"hybrid": {"hit@5": 0.95}}}
    thresholds = {"min": {"answers.fact_recall": 0.85, "retrieval.hybrid.hit@5": 0.9, "answers.nothing": 0.1},
                  "max": {"refusals.false_refusal_rate": 0.05}}
    failures = check_gate(metrics, thresholds)
    assert len(failures) == 3
    assert any(f.startswith("answers.fact_recall = 0.800 < 0.85") for f in failures)
    assert any(f.startswith("refusals.false_refusal_rate = 0.100 > 0.05") for f in failures)
    assert any(f.startswith("answers.nothing: not measured") for f in failures)
    assert check_gate(metrics, {"min": {"answers.fact_recall": 0.8}, "max": {}}) == []
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"min": {"a.b": "high"}}), encoding="utf-8")
    with pytest.raises(ValueError):
        ev.load_thresholds(path)


def test_project_thresholds_file_is_valid():
    path = Path(__file__).resolve().parents[1] / "eval" / "thresholds.json"
    t = ev.load_thresholds(path)
    assert "retrieval.hybrid.hit@5" in t["min"] and "refusals.false_refusal_rate" in t["max"]


# ----------------------------------------------------------------------------- the runner, end to end
IMPOSSIBLE = "此事实不在语料中"
SMALL_QA = [
    {"id": "e1", "question": "生态安全领域投资多少？", "category": "number", "answerable": True,
     "expected_facts": [["12.74亿"], [IMPOSSIBLE]], "evidence": ["共投资12.74亿元"]},
    {"id": "e2", "question": "那生态文化领域呢？", "category": "multi_turn", "answerable": True,
     "expected_facts": [["6.37亿"]], "evidence": ["共投资6.37亿元"], "history": ["生态经济领域投资多少？"]},
    {"id": "e3", "question": "昨晚的英超比赛谁赢了？", "category": "offtopic", "answerable": False,
     "expected_facts": [], "evidence": []},
]


@pytest.fixture
def small_qa(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "small.jsonl", SMALL_QA)


def test_runner_writes_the_report_and_never_shows_the_expected_answers(
    plan_assistant: Assistant, small_qa: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    calls: list[tuple] = []
    real_ask, real_search = plan_assistant.ask, plan_assistant.search

    def ask_spy(*args, **kwargs):
        calls.append(("ask", args, kwargs))
        return real_ask(*args, **kwargs)

    def search_spy(*args, **kwargs):
        calls.append(("search", args, kwargs))
        return real_search(*args, **kwargs)

    monkeypatch.setattr(plan_assistant, "ask", ask_spy)
    monkeypatch.setattr(plan_assistant, "search", search_spy)
    out = tmp_path / "out"
    report = ev.run_evaluation(plan_assistant, load_qa(small_qa), out, progress=False)

    # files
    for name in ("report.json", "report.md", "categories.png"):
        assert (out / name).stat().st_size > 0
    assert (out / "categories.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in saved["items"]] == ["e1", "e2", "e3"]
    assert set(saved["items"][0]) >= {"project", "baseline", "expected_facts", "evidence"}
    assert set(saved["items"][0]["project"]["ranks"]) == {"dense", "keyword", "hybrid"}
    assert "llm_api_key" not in saved["settings"]
    assert saved["index"]["chunk_count"] == len(plan_assistant.index.chunks)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| metric | project (hybrid) | baseline (dense) |" in md
    assert "### e1 · number · missing facts" in md and IMPOSSIBLE in md

    # hand-computed: e1 covers 1 of 2 groups, e2 covers 1 of 1, e3 is refused
    m = report["metrics"]["project"]
    assert saved["items"][0]["project"]["fact_coverage"] == 0.5
    assert m["answers"]["fact_recall"] == pytest.approx((0.5 + 1.0) / 2)
    assert m["answers"]["exact_rate"] == 0.5
    assert m["refusals"]["accuracy"] == 1.0 and m["refusals"]["false_refusal_rate"] == 0.0
    assert m["pass_rate"] == pytest.approx(2 / 3)
    assert m["answers"]["wrong_answer_rate"] == pytest.approx(1 / 3)  # e1 answered with a group missing
    assert saved["metrics"]["project"]["answers"]["wrong_answers"] == 1
    assert "| wrong-answer rate (all items) | 0.333 |" in md
    # the baseline never refuses and answers with its top chunk
    b = report["metrics"]["baseline"]
    assert b["refusals"]["accuracy"] == 0.0 and b["answers"]["median_length"] > 500

    # the assistant saw questions and earlier questions only
    assert calls
    allowed = {q["question"] for q in SMALL_QA} | {h for q in SMALL_QA for h in q.get("history", [])}
    allowed.add(ev.WARM_UP_QUESTION)
    secrets = {IMPOSSIBLE, "共投资12.74亿元", "共投资6.37亿元", "12.74亿", "6.37亿"}
    for kind, args, kwargs in calls:
        values = [*args, *kwargs.values()]
        flat = [v for x in values for v in (x if isinstance(x, (list, tuple)) else [x])]
        assert all(v is None or isinstance(v, (str, int)) for v in flat), (kind, values)
        assert not any(s in str(v) for v in flat for s in secrets), (kind, values)
        if kind == "ask":
            assert args[0] in allowed and all(h in allowed for h in kwargs.get("history", []))
    asked = [args[0] for kind, args, _ in calls if kind == "ask"]
    assert asked == [ev.WARM_UP_QUESTION, *(q["question"] for q in SMALL_QA)]


def test_answer_all_takes_questions_only(plan_assistant: Assistant):
    item = QAItem("x1", "生态安全领域投资多少？", "number", True, (("12.74亿",),), ("共投资12.74亿元",))
    system = ev.ProjectSystem(plan_assistant)
    with pytest.raises(TypeError):
        ev.answer_all(system, [item], progress=False)  # type: ignore[list-item]
    [out] = ev.answer_all(system, ev.questions_of([item]), progress=False)
    assert isinstance(out, Output) and not out.refused and "12.74亿" in out.answer
    assert ev.questions_of([item]) == [QAQuestion("x1", "生态安全领域投资多少？")]


def _run_cli(monkeypatch: pytest.MonkeyPatch, assistant: Assistant, *args: str):
    monkeypatch.setattr(cli, "_assistant", lambda **overrides: assistant)
    return CliRunner().invoke(cli.main, ["eval", "--quiet", *args])


def test_cli_gate_fails_naming_the_metric_below_its_threshold(
    plan_assistant: Assistant, small_qa: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(json.dumps({"min": {"answers.fact_recall": 0.9, "refusals.accuracy": 0.5},
                                      "max": {"refusals.false_refusal_rate": 0.1}}), encoding="utf-8")
    result = _run_cli(monkeypatch, plan_assistant, "--qa", str(small_qa), "--out", str(tmp_path / "r"),
                      "--no-baseline", "--gate", "--thresholds", str(thresholds))
    assert result.exit_code == 1, result.output
    assert "answers.fact_recall = 0.750 < 0.9" in result.output
    assert "refusals.accuracy" not in result.output.split("gate FAILED")[1]
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["gate"]["passed"] is False and "baseline" not in report["metrics"]


def test_cli_gate_passes_and_prints_the_headline(
    plan_assistant: Assistant, small_qa: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    thresholds = tmp_path / "thresholds.json"
    thresholds.write_text(json.dumps({"min": {"answers.fact_recall": 0.7}}), encoding="utf-8")
    result = _run_cli(monkeypatch, plan_assistant, "--qa", str(small_qa), "--out", str(tmp_path / "r"),
                      "--gate", "--thresholds", str(thresholds))
    assert result.exit_code == 0, result.output
    assert "fact recall (answerable)" in result.output and "gate passed" in result.output
    assert "wrong-answer rate (all items)" in result.output


def test_cli_reports_a_malformed_qa_file(plan_assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    bad = write_jsonl(tmp_path / "bad.jsonl", [GOOD, {**GOOD, "id": "t2", "category": "trivia"}])
    result = _run_cli(monkeypatch, plan_assistant, "--qa", str(bad), "--out", str(tmp_path / "r"))
    assert result.exit_code == 1
    assert "bad.jsonl:2:" in result.output and "unknown category" in result.output


# ----------------------------------------------------------------------------- eval --corpus: another corpus
TINY_CORPUS = {
    "waste.md": """---
title: 青石镇生活垃圾分类实施方案
issuer: 青石镇人民政府
---
# 青石镇生活垃圾分类实施方案

## 一、工作目标

到2026年底，青石镇生活垃圾回收利用率达到35%，建成8个垃圾分类示范小区。

## 二、分类标准

生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类。
""",
    "library.md": """---
title: 青石镇图书馆借阅规定
issuer: 青石镇文化站
---
# 青石镇图书馆借阅规定

## 开放时间

图书馆每周二至周日开放，周一闭馆。

## 借阅数量

每张读者证最多借阅5册图书，借期为30天。
""",
    "housing.md": """---
title: 青石镇老旧小区改造计划
issuer: 青石镇住房和城乡建设办公室
---
# 青石镇老旧小区改造计划

2025年青石镇改造老旧小区12个，总投资4800万元，重点更换供水管网和加装电梯。
""",
}
TINY_QA = [
    {"id": "c1", "question": "青石镇生活垃圾回收利用率要达到多少？", "category": "number", "answerable": True,
     "expected_facts": [["35%"]], "evidence": ["回收利用率达到35%"]},
    {"id": "c2", "question": "一张读者证最多能借几本书？", "category": "number", "answerable": True,
     "expected_facts": [["5册"]], "evidence": ["最多借阅5册图书"]},
    {"id": "c3", "question": "老旧小区改造总投资多少钱？", "category": "number", "answerable": True,
     "expected_facts": [["4800万元"]], "evidence": ["总投资4800万元"]},
    {"id": "c4", "question": "帮我写一首关于春天的诗", "category": "offtopic", "answerable": False,
     "expected_facts": [], "evidence": []},
]
ROOT = Path(__file__).resolve().parents[1]


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folder`` with its size and modification time."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_cli_eval_on_another_corpus_with_a_temporary_index(
    embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from assistant import pipeline
    from assistant.config import get_settings

    corpus = tmp_path / "tiny"
    corpus.mkdir()
    for name, text in TINY_CORPUS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    qa = write_jsonl(tmp_path / "tiny.jsonl", TINY_QA)
    monkeypatch.setenv("ASSISTANT_HOME", str(ROOT))  # the project, as `assistant eval` run in it sees it
    project = get_settings()
    project_index = _tree(project.index_path)
    created: list[Assistant] = []

    def make(settings):  # the real settings of the command; the session's model instead of a second copy
        created.append(Assistant(settings, embedder=embedder))
        return created[-1]

    monkeypatch.setattr(pipeline, "Assistant", make)
    out = tmp_path / "r"
    result = CliRunner().invoke(cli.main, ["eval", "--quiet", "--corpus", str(corpus), "--qa", str(qa), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrong-answer rate (all items)" in result.output

    # the assistant read the tiny corpus, with the project's model, from an index that is gone now
    [assistant] = created
    assert assistant.settings.corpus_path == corpus.resolve()
    assert assistant.settings.models_path == project.models_path
    assert assistant.settings.index_path != project.index_path
    assert not assistant.settings.index_path.exists()
    assert _tree(project.index_path) == project_index  # the project's index is untouched

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert sorted(report["index"]["documents"]) == sorted(TINY_CORPUS)
    assert report["settings"]["corpus_dir"] == str(corpus.resolve())
    m = report["metrics"]["project"]
    # retrieval is judged on the tiny corpus's chunks: the evidence is found in them (not in the plan's)
    for mode in ("dense", "keyword", "hybrid"):
        assert m["retrieval"][mode]["queries"] == 3
    assert m["retrieval"]["no_relevant_passage"] == []
    assert m["retrieval"]["hybrid"]["hit@5"] == 1.0
    chunks = report["index"]["chunk_count"]
    assert 3 <= chunks < 21  # the plan has 21
    for item in report["items"][:3]:
        assert item["project"]["relevant_passages"] and item["project"]["ranks"]["hybrid"] is not None
    # the peer baseline split the same three documents (each shorter than its 1000-character chunks)
    assert report["baseline"]["passages"] == 3
    assert report["metrics"]["baseline"]["retrieval"]["dense"]["queries"] == 3
    assert "4800万元" in report["items"][2]["baseline"]["answer"]


def test_cli_eval_corpus_needs_a_qa_file(tmp_path: Path):
    result = CliRunner().invoke(cli.main, ["eval", "--corpus", str(tmp_path)])
    assert result.exit_code == 2 and "--corpus needs --qa" in result.output
