"""Evaluation on a fixed Q&A set (``eval/qa.jsonl``): the public names in one place.

The parts, one concern each:

| module | what |
|---|---|
| :mod:`assistant.eval_types` | the items, what a system may see of them, its outputs (shared with :mod:`assistant.baseline`) |
| :mod:`assistant.eval_qa` | reading a Q&A file |
| :mod:`assistant.eval_metrics` | hit@k, MRR, nDCG, fact coverage, citation precision, wrong answers, refusal counts |
| :mod:`assistant.eval_systems` | phase 1: the project's assistant as a system, asking every question |
| :mod:`assistant.eval_scoring` | phase 2: per-item rows and a system's metrics |
| :mod:`assistant.eval_gate` | thresholds |
| :mod:`assistant.eval_report`, :mod:`assistant.eval_chart` | the headline table, ``report.md``, ``categories.png`` |
| :mod:`assistant.eval_runner` | the whole run, baseline included |

The expected answers are read only after the assistant has answered.
"""

from __future__ import annotations

from .eval_chart import render_chart
from .eval_gate import check_gate, load_thresholds, metric_at
from .eval_metrics import (
    RefusalCounts,
    citation_precision,
    covers,
    fact_coverage,
    first_rank,
    hit_at_k,
    is_relevant,
    is_wrong_answer,
    median,
    ndcg_at_k,
    percentile,
    reciprocal_rank,
    relevant_ids,
    retrieval_metrics,
)
from .eval_qa import REQUIRED, load_qa, questions_of
from .eval_report import HEADLINE, headline_header, headline_rows, markdown_table, render_markdown, text_table
from .eval_runner import SECRET_SETTINGS, as_json, run_evaluation
from .eval_scoring import score_output, score_system, summarize
from .eval_systems import WARM_UP_QUESTION, ProjectSystem, answer_all, search_query
from .eval_types import CATEGORIES, RANK_DEPTH, RETRIEVAL_MODES, Output, QAItem, QAQuestion, System

__all__ = [
    "CATEGORIES", "HEADLINE", "RANK_DEPTH", "REQUIRED", "RETRIEVAL_MODES", "SECRET_SETTINGS", "WARM_UP_QUESTION",
    "Output", "ProjectSystem", "QAItem", "QAQuestion", "RefusalCounts", "System",
    "answer_all", "as_json", "check_gate", "citation_precision", "covers", "fact_coverage", "first_rank",
    "headline_header", "headline_rows", "hit_at_k", "is_relevant", "is_wrong_answer", "load_qa", "load_thresholds",
    "markdown_table", "median", "metric_at", "ndcg_at_k", "percentile", "questions_of", "reciprocal_rank",
    "relevant_ids", "render_chart", "render_markdown", "retrieval_metrics", "run_evaluation", "score_output",
    "score_system", "search_query", "summarize", "text_table",
]
