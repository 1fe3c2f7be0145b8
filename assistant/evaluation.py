"""Evaluation on a fixed Q&A set (``eval/qa.jsonl``).

Metric functions are plain functions over ids and strings, in the manner of
sentence-transformers' ``InformationRetrievalEvaluator``: a retrieval evaluator maps
``{qid: ranked chunk ids}`` and ``{qid: relevant chunk ids}`` to named metrics.
The expected answers are read only after the assistant has answered.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .citations import verify
from .eval_types import CATEGORIES, RANK_DEPTH, RETRIEVAL_MODES, Output, QAItem, QAQuestion, System
from .text import match_norm

REQUIRED = {"id": str, "question": str, "category": str, "answerable": bool, "expected_facts": list, "evidence": list}


def load_qa(path: Path) -> list[QAItem]:
    """Read a Q&A file in the format of ``eval/README.md``; raise ValueError naming the
    line of any malformed item."""
    items: list[QAItem] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{where}: not JSON ({err.msg})") from err
        if not isinstance(data, dict):
            raise ValueError(f"{where}: not a JSON object")
        for key, typ in REQUIRED.items():
            if not isinstance(data.get(key), typ):
                raise ValueError(f"{where}: field {key!r} missing or not {typ.__name__}")
        if not data["id"].strip() or not data["question"].strip():
            raise ValueError(f"{where}: empty 'id' or 'question'")
        if data["category"] not in CATEGORIES:
            raise ValueError(f"{where}: unknown category {data['category']!r} (one of {', '.join(CATEGORIES)})")
        facts = data["expected_facts"]
        if not all(isinstance(g, list) and g and all(isinstance(a, str) and a for a in g) for g in facts):
            raise ValueError(f"{where}: 'expected_facts' must be a list of non-empty lists of strings")
        if not all(isinstance(e, str) and e for e in data["evidence"]):
            raise ValueError(f"{where}: 'evidence' must be a list of non-empty strings")
        history = data.get("history", [])
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            raise ValueError(f"{where}: 'history' must be a list of strings")
        if data["id"] in seen:
            raise ValueError(f"{where}: duplicate id {data['id']!r}")
        seen.add(data["id"])
        items.append(
            QAItem(
                id=data["id"],
                question=data["question"],
                category=data["category"],
                answerable=data["answerable"],
                expected_facts=tuple(tuple(group) for group in facts),
                evidence=tuple(data["evidence"]),
                history=tuple(history),
            )
        )
    return items


def questions_of(items: Iterable[QAItem]) -> list[QAQuestion]:
    """The part of each item a system may see: id, question and earlier questions."""
    return [QAQuestion(id=i.id, question=i.question, history=i.history) for i in items]


# ----------------------------------------------------------------------------- relevance
def is_relevant(text: str, evidence: Iterable[str]) -> bool:
    t = match_norm(text)
    return any(match_norm(e) in t for e in evidence if e)


def relevant_ids(chunks: Iterable[tuple[str, str]], evidence: Sequence[str]) -> set[str]:
    """Ids of the chunks (id, text) that contain any evidence string."""
    return {cid for cid, text in chunks if is_relevant(text, evidence)}


# ----------------------------------------------------------------------------- retrieval metrics
def hit_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return 1.0 if any(r in relevant for r in ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    for i, r in enumerate(ranked[:k], start=1):
        if r in relevant:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Binary-relevance nDCG@k, as in C-MTEB / BEIR."""
    dcg = sum(1.0 / math.log2(i + 1) for i, r in enumerate(ranked[:k], start=1) if r in relevant)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def first_rank(ranked: Sequence[str], relevant: set[str]) -> int | None:
    return next((i for i, r in enumerate(ranked, start=1) if r in relevant), None)


def retrieval_metrics(run: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]]) -> dict[str, float]:
    """hit@1/3/5, MRR@10 and nDCG@10 averaged over the queries that have relevant ids."""
    qids = [q for q in qrels if qrels[q]]
    if not qids:
        return {"hit@1": 0.0, "hit@3": 0.0, "hit@5": 0.0, "mrr@10": 0.0, "ndcg@10": 0.0, "queries": 0}
    mean = lambda f: sum(f(run.get(q, []), qrels[q]) for q in qids) / len(qids)  # noqa: E731
    return {
        "hit@1": mean(lambda r, rel: hit_at_k(r, rel, 1)),
        "hit@3": mean(lambda r, rel: hit_at_k(r, rel, 3)),
        "hit@5": mean(lambda r, rel: hit_at_k(r, rel, 5)),
        "mrr@10": mean(lambda r, rel: reciprocal_rank(r, rel, 10)),
        "ndcg@10": mean(lambda r, rel: ndcg_at_k(r, rel, 10)),
        "queries": len(qids),
    }


# ----------------------------------------------------------------------------- answer metrics
def fact_coverage(answer: str, groups: Sequence[Sequence[str]]) -> float:
    """Share of fact groups of which the answer contains any alternative."""
    if not groups:
        return 1.0
    a = match_norm(answer)
    return sum(1 for g in groups if any(match_norm(alt) in a for alt in g)) / len(groups)


def citation_precision(cited_texts: Sequence[str], evidence: Sequence[str]) -> float | None:
    """Share of cited passages that contain evidence (None when nothing is cited)."""
    if not cited_texts:
        return None
    return sum(1 for t in cited_texts if is_relevant(t, evidence)) / len(cited_texts)


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


@dataclass
class RefusalCounts:
    refused_when_should: int = 0
    should_refuse: int = 0
    refused_when_answerable: int = 0
    answerable: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def add(self, answerable: bool, refused: bool) -> None:
        if answerable:
            self.answerable += 1
            self.refused_when_answerable += int(refused)
        else:
            self.should_refuse += 1
            self.refused_when_should += int(refused)

    @property
    def refusal_accuracy(self) -> float:
        return self.refused_when_should / self.should_refuse if self.should_refuse else 1.0

    @property
    def false_refusal_rate(self) -> float:
        return self.refused_when_answerable / self.answerable if self.answerable else 0.0


def as_json(obj: Any) -> Any:
    return json.loads(json.dumps(obj, ensure_ascii=False, default=str))


# ============================================================================= the runner
#
# Two phases, so that it is evident the systems never see the expected answers:
#   1. answer  — a System receives QAQuestion objects only (id, question, history) and
#                returns an Output per question (answer, citations, rankings, latency);
#   2. score   — only then are the QAItems' expected facts and evidence read.

#: One question asked before timing starts, so that model loading and jieba's dictionary
#: do not land in the first item's latency. It is not taken from the Q&A file.
WARM_UP_QUESTION = "规划的主要目标是什么？"
#: Settings never written into a report.
SECRET_SETTINGS = {"llm_api_key", "chroma_token"}


def search_query(assistant: Any, question: str, history: Sequence[str]) -> str:
    """The query the assistant searches for ``question``, prepared as ``Assistant.ask``
    does: cleaned, an injection wrapper stripped, simplified, and a follow-up resolved
    with the earlier questions by the rule-based rewrite."""
    from .answering import rewrite_followup, strip_injection
    from .text import clean_question, is_punctuation_only, prepare_query

    cleaned = clean_question(question)
    query, _ = strip_injection(cleaned)
    if not query or is_punctuation_only(query):
        query = cleaned
    earlier = [clean_question(h) for h in history if h and h.strip()][-5:]
    query = prepare_query(query)
    if earlier:
        query = rewrite_followup(query, earlier, assistant.vocabulary)
    return query


class ProjectSystem:
    """The project's ``Assistant``, exactly as the app uses it."""

    name = "project"
    modes = RETRIEVAL_MODES

    def __init__(self, assistant: Any, answer_mode: str | None = None) -> None:
        self.assistant = assistant
        self.answer_mode = answer_mode

    def passages(self) -> list[tuple[str, str]]:
        return [(c.id, c.text) for c in self.assistant.index.chunks]

    def warm_up(self) -> None:
        self.assistant.warm_up(WARM_UP_QUESTION, mode=self.answer_mode)

    def respond(self, question: QAQuestion) -> Output:
        started = time.perf_counter()
        answer = self.assistant.ask(question.question, history=list(question.history), mode=self.answer_mode)
        latency = (time.perf_counter() - started) * 1000
        query = search_query(self.assistant, question.question, question.history)
        rankings = {
            m: tuple(r.id for r in self.assistant.search(query, k=RANK_DEPTH, mode=m).chunks) for m in self.modes
        }
        return Output(
            id=question.id, answer=answer.text, refused=answer.refused, refusal_kind=answer.refusal_kind,
            citations=tuple(answer.citations), latency_ms=latency, query=query, rankings=rankings, how=answer.mode,
        )


def answer_all(system: System, questions: Sequence[QAQuestion], progress: bool = True) -> list[Output]:
    """Phase 1: ask every question. Only :class:`QAQuestion` objects are accepted."""
    from tqdm import tqdm

    for q in questions:
        if not isinstance(q, QAQuestion):
            raise TypeError(f"answer_all takes QAQuestion objects, not {type(q).__name__}")
    system.warm_up()
    return [
        system.respond(q)
        for q in tqdm(questions, desc=f"eval {system.name}", unit="q", disable=not progress, leave=False)
    ]


# ----------------------------------------------------------------------------- scoring
def covers(answer: str, group: Sequence[str]) -> bool:
    a = match_norm(answer)
    return any(match_norm(alt) in a for alt in group)


def score_output(item: QAItem, out: Output, passages: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Phase 2 for one item: compare an Output with the item's expected facts and evidence.

    Answerable items pass when the answer is not a refusal and covers every fact group;
    a refusal scores fact coverage 0. Refused items (``answerable: false``) pass when refused.
    """
    relevant = relevant_ids(passages, item.evidence) if item.answerable else set()
    ranks = {m: (first_rank(r[:RANK_DEPTH], relevant) if relevant else None) for m, r in out.rankings.items()}
    check = None if out.refused else verify(out.answer, {c.n: c.text for c in out.citations})
    if item.answerable:
        coverage = 0.0 if out.refused else fact_coverage(out.answer, item.expected_facts)
        missing = [list(g) for g in item.expected_facts if out.refused or not covers(out.answer, g)]
        precision = None if out.refused else citation_precision([c.text for c in out.citations], item.evidence)
        passed = not out.refused and not missing
        reason = "" if passed else ("refused an answerable question" if out.refused else "missing facts")
    else:
        coverage, missing, precision = None, [], None
        passed = out.refused
        reason = "" if passed else "answered instead of refusing"
    return {
        "answer": out.answer,
        "refused": out.refused,
        "refusal_kind": out.refusal_kind,
        "how": out.how,
        "citations": [c.to_json() for c in out.citations],
        "latency_ms": round(out.latency_ms, 2),
        "query": out.query,
        "relevant_passages": sorted(relevant),
        "ranks": ranks,
        "fact_coverage": coverage,
        "missing_facts": missing,
        "citation_precision": precision,
        "verified": None if check is None else check.ok,
        "unverified": [] if check is None else [*check.unverified, *(f"[{n}]" for n in check.dangling)],
        "pass": passed,
        "reason": reason,
    }


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarize(items: Sequence[QAItem], rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Answer, refusal and latency metrics from scored rows (same order as ``items``)."""
    pairs = list(zip(items, rows))
    answerable = [r for i, r in pairs if i.answerable]
    answered = [r for _, r in pairs if not r["refused"]]
    precisions = [r["citation_precision"] for r in answerable if r["citation_precision"] is not None]
    refusals = RefusalCounts()
    for item, r in pairs:
        refusals.add(item.answerable, r["refused"])
        if r["refused"]:
            kind = r["refusal_kind"] or "unspecified"
            refusals.by_kind[kind] = refusals.by_kind.get(kind, 0) + 1
    latencies = [r["latency_ms"] for r in rows]
    order = [c for c in CATEGORIES if any(i.category == c for i in items)]
    order += sorted({i.category for i in items} - set(order))
    categories: dict[str, Any] = {}
    for cat in order:
        in_cat = [(i, r) for i, r in pairs if i.category == cat]
        ans = [r for i, r in in_cat if i.answerable]
        ref = [r for i, r in in_cat if not i.answerable]
        categories[cat] = {
            "items": len(in_cat),
            "answerable": len(ans),
            "fact_recall": _mean([r["fact_coverage"] for r in ans]),
            "exact_rate": _mean([float(r["pass"]) for r in ans]),
            "refusal_accuracy": _mean([float(r["refused"]) for r in ref]),
            "pass_rate": _mean([float(r["pass"]) for _, r in in_cat]),
        }
    return {
        "items": len(items),
        "pass_rate": _mean([float(r["pass"]) for r in rows]),
        "answers": {
            "answerable": len(answerable),
            "fact_recall": _mean([r["fact_coverage"] for r in answerable]),
            "exact_rate": _mean([float(r["pass"]) for r in answerable]),
            "citation_precision": _mean(precisions),
            "cited_answers": len(precisions),
            "uncited_answers": sum(1 for r in answerable if not r["refused"] and r["citation_precision"] is None),
            "verified_share": _mean([float(bool(r["verified"])) for r in answered]),
            "answered": len(answered),
            "median_length": median([len(r["answer"]) for r in answered]) if answered else None,
        },
        "refusals": {
            "accuracy": refusals.refusal_accuracy if refusals.should_refuse else None,
            "false_refusal_rate": refusals.false_refusal_rate if refusals.answerable else None,
            "should_refuse": refusals.should_refuse,
            "refused_when_should": refusals.refused_when_should,
            "answerable": refusals.answerable,
            "refused_when_answerable": refusals.refused_when_answerable,
            "kinds": dict(sorted(refusals.by_kind.items())),
        },
        "latency": {
            "p50_ms": round(percentile(latencies, 50), 2),
            "p95_ms": round(percentile(latencies, 95), 2),
            "max_ms": round(max(latencies), 2) if latencies else 0.0,
        },
        "categories": categories,
    }


def score_system(
    items: Sequence[QAItem], outputs: Sequence[Output], passages: Sequence[tuple[str, str]], modes: Sequence[str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Phase 2: per-item rows and all metrics of one system."""
    by_id = {o.id: o for o in outputs}
    rows = [score_output(item, by_id[item.id], passages) for item in items]
    qrels = {i.id: relevant_ids(passages, i.evidence) for i in items if i.answerable}
    metrics = summarize(items, rows)
    metrics["retrieval"] = {
        m: retrieval_metrics({o.id: list(o.rankings.get(m, ())) for o in outputs}, qrels) for m in modes
    }
    metrics["retrieval"]["no_relevant_passage"] = sorted(q for q, rel in qrels.items() if not rel)
    return rows, metrics


# ----------------------------------------------------------------------------- gate
def metric_at(metrics: Mapping[str, Any], path: str) -> Any:
    """``metric_at(m, "retrieval.hybrid.hit@5")`` → m["retrieval"]["hybrid"]["hit@5"] (None if absent)."""
    node: Any = metrics
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """``{"min": {metric path: floor}, "max": {metric path: ceiling}}`` (other keys are comments)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"{path}: cannot read thresholds ({err})") from err
    out: dict[str, dict[str, float]] = {}
    for bound in ("min", "max"):
        table = data.get(bound, {})
        if not isinstance(table, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in table.values()
        ):
            raise ValueError(f"{path}: {bound!r} must map metric paths to numbers")
        out[bound] = {str(k): float(v) for k, v in table.items()}
    if not out["min"] and not out["max"]:
        raise ValueError(f"{path}: no thresholds under 'min' or 'max'")
    return out


def check_gate(metrics: Mapping[str, Any], thresholds: Mapping[str, Mapping[str, float]]) -> list[str]:
    """One line per metric that misses its threshold (empty when the gate passes)."""
    failures: list[str] = []
    for path, floor in thresholds.get("min", {}).items():
        value = metric_at(metrics, path)
        if not isinstance(value, (int, float)):
            failures.append(f"{path}: not measured (minimum {floor:g})")
        elif value < floor:
            failures.append(f"{path} = {value:.3f} < {floor:g} (minimum)")
    for path, ceiling in thresholds.get("max", {}).items():
        value = metric_at(metrics, path)
        if not isinstance(value, (int, float)):
            failures.append(f"{path}: not measured (maximum {ceiling:g})")
        elif value > ceiling:
            failures.append(f"{path} = {value:.3f} > {ceiling:g} (maximum)")
    return failures


# ----------------------------------------------------------------------------- report
#: Headline rows: label, metric path ({mode} = the system's retrieval mode), format.
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("hit@1", "retrieval.{mode}.hit@1", "ratio"),
    ("hit@3", "retrieval.{mode}.hit@3", "ratio"),
    ("hit@5", "retrieval.{mode}.hit@5", "ratio"),
    ("MRR@10", "retrieval.{mode}.mrr@10", "ratio"),
    ("nDCG@10", "retrieval.{mode}.ndcg@10", "ratio"),
    ("fact recall (answerable)", "answers.fact_recall", "ratio"),
    ("exact rate (answerable)", "answers.exact_rate", "ratio"),
    ("citation precision", "answers.citation_precision", "ratio"),
    ("answers with all figures verified", "answers.verified_share", "ratio"),
    ("refusal accuracy", "refusals.accuracy", "ratio"),
    ("false-refusal rate", "refusals.false_refusal_rate", "ratio"),
    ("pass rate (all items)", "pass_rate", "ratio"),
    ("median answer length (chars)", "answers.median_length", "int"),
    ("latency p50 (ms)", "latency.p50_ms", "ms"),
    ("latency p95 (ms)", "latency.p95_ms", "ms"),
)


def _fmt(value: Any, kind: str = "ratio") -> str:
    if value is None:
        return "–"
    if kind == "int":
        return f"{value:.0f}"
    if kind == "ms":
        return f"{value:.1f}"
    return f"{value:.3f}"


def headline_rows(systems: Mapping[str, Mapping[str, Any]]) -> list[list[str]]:
    """Rows ``[label, value per system…]`` of the headline table."""
    rows = []
    for label, path, kind in HEADLINE:
        row = [label]
        for metrics in systems.values():
            row.append(_fmt(metric_at(metrics, path.format(mode=metrics.get("retrieval_mode", "hybrid"))), kind))
        rows.append(row)
    return rows


def markdown_table(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table; cells are converted with str and may not break the row."""
    def cell(x: Any) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned table for the console."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([fmt(header), "  ".join("-" * w for w in widths), *(fmt(r) for r in rows)])


def _system_names(report: Mapping[str, Any]) -> list[str]:
    return list(report["metrics"])


def _headline_header(report: Mapping[str, Any]) -> list[str]:
    names = []
    for name, metrics in report["metrics"].items():
        names.append(f"{name} ({metrics.get('retrieval_mode')})")
    return ["metric", *names]


def _facts(groups: Sequence[Sequence[str]]) -> str:
    return "；".join(" / ".join(g) for g in groups) or "–"


def _short_text(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_markdown(report: Mapping[str, Any]) -> str:
    systems = report["metrics"]
    names = _system_names(report)
    out = [f"# Evaluation report · {report['created_at']}", ""]
    out.append(
        f"Q&A file `{report['qa_file']}`: {report['counts']['items']} items, {report['counts']['answerable']} answerable. "
        f"Answer mode `{report['settings'].get('answer_mode')}`, retrieval mode `{report['settings'].get('retrieval_mode')}`, "
        f"index build `{report['index'].get('build_id')}` ({report['index'].get('chunk_count')} chunks). "
        f"Runtime {report['runtime_s']['total']:.1f} s."
    )
    out += ["", "## Headline", "", markdown_table(_headline_header(report), headline_rows(systems)), ""]
    if "baseline" in report:
        b = report["baseline"]
        out.append(
            f"Baseline: {b['description']} It never refuses; its retrieval metrics are over "
            f"{b['passages']} chunks of ~{b['chunk_size']} characters, against {report['index'].get('chunk_count')} "
            "chunks for the project, so a hit is far easier for it."
        )
        out.append("")
    out += ["## Retrieval by mode (answerable items, relevant = passage contains an evidence string)", ""]
    rrows = []
    for name, metrics in systems.items():
        for mode, m in metrics["retrieval"].items():
            if mode == "no_relevant_passage":
                continue
            rrows.append([f"{name} · {mode}", *(_fmt(m[k]) for k in ("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10")), str(m["queries"])])
    out += [markdown_table(["system · mode", "hit@1", "hit@3", "hit@5", "MRR@10", "nDCG@10", "queries"], rrows), ""]
    missing = systems["project"]["retrieval"].get("no_relevant_passage") or []
    if missing:
        out += [f"Answerable items whose evidence is in no project passage (left out of retrieval metrics): {', '.join(missing)}.", ""]
    out += ["## By category", ""]
    header = ["category", "items", "answerable"]
    for name in names:
        header += [f"{name} fact recall", f"{name} exact", f"{name} pass"]
    crows = []
    for cat, c in systems["project"]["categories"].items():
        row = [cat, str(c["items"]), str(c["answerable"])]
        for name in names:
            cm = systems[name]["categories"][cat]
            row += [_fmt(cm["fact_recall"]), _fmt(cm["exact_rate"]), _fmt(cm["pass_rate"])]
        crows.append(row)
    out += [markdown_table(header, crows), ""]
    out.append("*exact* = answered (not refused) and every fact group covered, over answerable items; "
               "*pass* = exact for answerable items, refused for items marked `answerable: false`.")
    out += ["", "## Refusals", ""]
    for name in names:
        r = systems[name]["refusals"]
        kinds = ", ".join(f"{k} {v}" for k, v in r["kinds"].items()) or "none"
        out.append(
            f"- **{name}**: refused {r['refused_when_should']}/{r['should_refuse']} of the items to refuse, "
            f"{r['refused_when_answerable']}/{r['answerable']} answerable items; kinds: {kinds}."
        )
    failed = [i for i in report["items"] if not i["project"]["pass"]]
    out += ["", f"## Failed items (project): {len(failed)} of {len(report['items'])}", ""]
    for i in failed:
        p = i["project"]
        out.append(f"### {i['id']} · {i['category']} · {p['reason']}")
        out.append("")
        if i["history"]:
            out.append(f"- history: {' → '.join(i['history'])}")
        out.append(f"- question: {i['question']}")
        if i["answerable"]:
            out.append(f"- expected: {_facts(i['expected_facts'])}")
            if p["missing_facts"] and not p["refused"]:
                out.append(f"- missing: {_facts(p['missing_facts'])}")
            ranks = ", ".join(f"{m} {r if r is not None else '>10'}" for m, r in p["ranks"].items())
            out.append(f"- first relevant passage: {ranks}")
        else:
            out.append("- expected: a refusal")
        got = _short_text(p["answer"])
        out.append(f"- got{' (refused: ' + str(p['refusal_kind']) + ')' if p['refused'] else ''}: {got}")
        if "baseline" in i:
            out.append(f"- baseline: {'pass' if i['baseline']['pass'] else 'fail'}")
        out.append("")
    if report.get("gate"):
        g = report["gate"]
        out += ["## Gate", "", f"Thresholds `{g['thresholds_file']}`: {'passed' if g['passed'] else 'FAILED'}.", ""]
        out += [f"- {f}" for f in g["failures"]]
        out.append("")
    if report.get("chart"):
        out += ["## Chart", "", f"![pass rate by category]({report['chart']})", ""]
    return "\n".join(out)


def _cjk_font() -> str | None:
    """A font installed for matplotlib that shows Chinese, if any."""
    from matplotlib import font_manager

    hints = ("CJK", "WenQuanYi", "Han Sans", "Han Serif", "SimHei", "SimSun", "Hei", "Song", "Kai", "Ming", "Droid Sans Fallback")
    for font in font_manager.fontManager.ttflist:
        if any(h.lower() in font.name.lower() for h in hints):
            return font.name
    return None


def render_chart(report: Mapping[str, Any], path: Path) -> None:
    """Grouped bars: pass rate per category, one bar per system (English labels unless a
    Chinese font is installed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = report["metrics"]
    cats = list(systems["project"]["categories"])
    font = _cjk_font()
    title = "Pass rate by category (answerable: exact answer; others: correct refusal)"
    rc = {"font.sans-serif": [font, "DejaVu Sans"]} if font else {}
    if font:
        title = "各类问题通过率 · " + title
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(max(8, 0.8 * len(cats) + 2), 4.8))
        width = 0.8 / len(systems)
        colors = ("#2b7bba", "#c0c0c0", "#e08a3c")
        for k, (name, metrics) in enumerate(systems.items()):
            values = [metrics["categories"][c]["pass_rate"] or 0.0 for c in cats]
            xs = [i + (k - (len(systems) - 1) / 2) * width for i in range(len(cats))]
            ax.bar(xs, values, width, label=name, color=colors[k % len(colors)])
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels(cats, rotation=35, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("pass rate")
        ax.set_title(title, fontsize=10)
        ax.legend()
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)


def _index_summary(assistant: Any) -> dict[str, Any]:
    m = assistant.index.manifest
    keys = ("build_id", "created_at", "format_version", "embedding", "chunking", "corpus_hash", "chromadb_version", "chunk_count")
    summary = {k: m.get(k) for k in keys}
    summary["documents"] = [d.get("source") for d in m.get("documents", [])]
    return summary


def run_evaluation(
    assistant: Any,
    items: Sequence[QAItem],
    out_dir: Path,
    *,
    answer_mode: str | None = None,
    baseline: bool = True,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    thresholds_file: str = "",
    qa_file: str = "",
    progress: bool = True,
) -> dict[str, Any]:
    """Answer every item with the assistant (and the baseline), then score, then write
    ``report.json``, ``report.md`` and ``categories.png`` into ``out_dir``."""
    from datetime import datetime, timezone

    if not items:
        raise ValueError("the Q&A file has no items")
    started = time.perf_counter()
    runtime: dict[str, float] = {}
    questions = questions_of(items)

    # -- phase 1: answer (the systems see QAQuestion objects only)
    project = ProjectSystem(assistant, answer_mode)
    t0 = time.perf_counter()
    outputs = {"project": answer_all(project, questions, progress)}
    passages = {"project": project.passages()}
    modes = {"project": project.modes}
    runtime["project"] = time.perf_counter() - t0
    base_info: dict[str, Any] | None = None
    if baseline:
        from .baseline import TutorialBaseline

        t0 = time.perf_counter()
        with TutorialBaseline.from_assistant(assistant) as peer:
            outputs["baseline"] = answer_all(peer, questions, progress)
            passages["baseline"] = peer.passages()
            modes["baseline"] = peer.modes
            base_info = peer.describe()
        runtime["baseline"] = time.perf_counter() - t0

    # -- phase 2: score (expected facts and evidence are read only here)
    rows: dict[str, list[dict[str, Any]]] = {}
    metrics: dict[str, dict[str, Any]] = {}
    for name in outputs:
        rows[name], metrics[name] = score_system(items, outputs[name], passages[name], modes[name])
    metrics["project"]["retrieval_mode"] = assistant.settings.retrieval_mode
    if "baseline" in metrics:
        metrics["baseline"]["retrieval_mode"] = "dense"
    runtime["total"] = time.perf_counter() - started

    report: dict[str, Any] = {
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "qa_file": qa_file,
        "counts": {"items": len(items), "answerable": sum(i.answerable for i in items)},
        "settings": assistant.settings.model_dump(mode="json", exclude=SECRET_SETTINGS),
        "index": _index_summary(assistant),
        "runtime_s": {k: round(v, 2) for k, v in runtime.items()},
        "metrics": metrics,
    }
    if base_info is not None:
        report["baseline"] = base_info
    report["items"] = [
        {
            "id": item.id, "category": item.category, "question": item.question, "history": list(item.history),
            "answerable": item.answerable, "expected_facts": [list(g) for g in item.expected_facts],
            "evidence": list(item.evidence),
            **{name: rows[name][k] for name in rows},
        }
        for k, item in enumerate(items)
    ]
    if thresholds is not None:
        failures = check_gate(metrics["project"], thresholds)
        report["gate"] = {"thresholds_file": thresholds_file, "thresholds": thresholds, "passed": not failures, "failures": failures}

    out_dir.mkdir(parents=True, exist_ok=True)
    report["chart"] = "categories.png"
    render_chart(report, out_dir / "categories.png")
    (out_dir / "report.json").write_text(json.dumps(as_json(report), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out_dir / "report.md").write_text(render_markdown(report), encoding="utf-8")
    return report
