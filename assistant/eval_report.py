"""Rendering the evaluation report: the headline table (console and Markdown) and
``report.md``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .eval_gate import metric_at

#: Headline rows: label, metric path ({mode} = the system's retrieval mode), format.
HEADLINE: tuple[tuple[str, str, str], ...] = (
    ("hit@1", "retrieval.{mode}.hit@1", "ratio"),
    ("hit@3", "retrieval.{mode}.hit@3", "ratio"),
    ("hit@5", "retrieval.{mode}.hit@5", "ratio"),
    ("MRR@10", "retrieval.{mode}.mrr@10", "ratio"),
    ("nDCG@10", "retrieval.{mode}.ndcg@10", "ratio"),
    ("fact recall (answerable)", "answers.fact_recall", "ratio"),
    ("exact rate (answerable)", "answers.exact_rate", "ratio"),
    ("wrong-answer rate (all items)", "answers.wrong_answer_rate", "ratio"),
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


def headline_header(report: Mapping[str, Any]) -> list[str]:
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
    out += ["", "## Headline", "", markdown_table(headline_header(report), headline_rows(systems)), ""]
    out.append("*wrong-answer rate* = share of all items that were answered (not refused) although they "
               "should have been refused, or with an expected fact group not covered.")
    out.append("")
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
