"""The model is the build's floor: what sentence-transformers / PyTorch offer on CPU, each
measured for speed (passages/s on the same chunk texts) and for quality (the Q&A
evaluation of ``assistant eval`` — ``assistant.evaluation.run_evaluation`` — on an index
built and queried with the variant). A variant is kept only if every headline metric
stays within one point of the default."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from assistant.chunking import chunk_documents
from assistant.corpus import load_corpus
from assistant.embeddings import Embedder
from assistant.index import chunking_config

from .common import Section, median, table
from .context import Context
from .synth import write_corpus

#: Metrics compared between variants (a variant must stay within one point on each).
QUALITY = (
    ("hit@1", "retrieval.hybrid.hit@1"),
    ("hit@5", "retrieval.hybrid.hit@5"),
    ("MRR@10", "retrieval.hybrid.mrr@10"),
    ("exact rate", "answers.exact_rate"),
    ("fact recall", "answers.fact_recall"),
    ("refusal accuracy", "refusals.accuracy"),
    ("pass rate", "pass_rate"),
)
ONE_POINT = 0.01


class VariantEmbedder:
    """An :class:`Embedder` whose model calls run under a context (autocast, threads)."""

    def __init__(self, inner: Embedder, context: Callable[[], contextlib.AbstractContextManager[Any]]) -> None:
        self._inner = inner
        self._context = context

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        with self._context():
            return self._inner.embed_passages(texts)

    def embed_query(self, text: str) -> list[float]:
        with self._context():
            return self._inner.embed_query(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        with self._context():
            return self._inner.embed_queries(texts)


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def quantized(ctx: Context) -> Embedder:
    """A second Embedder whose Linear layers are dynamically quantized to int8."""
    other = Embedder(ctx.base)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.ao.quantization.quantize_dynamic(other.model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    return other


def variants(ctx: Context) -> dict[str, Any]:
    base = ctx.embedder
    out: dict[str, Any] = {"fp32 (default)": base}
    out["bf16 autocast"] = VariantEmbedder(base, lambda: torch.autocast("cpu", dtype=torch.bfloat16))
    out["int8 dynamic quantization"] = quantized(ctx)
    if torch.get_num_threads() > 1:
        out["1 torch thread"] = VariantEmbedder(base, lambda: threads(1))
    return out


def token_lengths(ctx: Context, texts: list[str]) -> list[int]:
    tok = ctx.embedder.model.tokenizer
    return [len(tok(ctx.base.passage_prompt + t)["input_ids"]) for t in texts]


def speed(embedders: dict[str, Any], texts: list[str], runs: int) -> dict[str, dict[str, float]]:
    """Passages/s per variant (interleaved runs, median) and cosine to the default."""
    for e in embedders.values():
        e.embed_passages(texts[:4])
    times: dict[str, list[float]] = {k: [] for k in embedders}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(runs):
        for name, e in embedders.items():
            t0 = time.perf_counter()
            v = e.embed_passages(texts)
            times[name].append(time.perf_counter() - t0)
            vectors[name] = np.asarray(v, dtype=np.float32)
    ref = vectors["fp32 (default)"]
    return {
        name: {
            "rate": len(texts) / median(times[name]),
            "cos_min": float((vectors[name] * ref).sum(axis=1).min()),
            "cos_mean": float((vectors[name] * ref).sum(axis=1).mean()),
        }
        for name in embedders
    }


def quality(ctx: Context, embedder: Any) -> dict[str, float | None]:
    """The evaluation's headline metrics with ``embedder`` for building and querying."""
    from assistant import evaluation as ev
    from assistant.pipeline import Assistant

    tmp = Path(tempfile.mkdtemp(prefix="bench-variant-", dir=ctx.work))
    try:
        settings = ctx.settings(index_dir=tmp / "index")
        assistant = Assistant(settings, embedder=embedder)
        assistant.build_index(progress=False)
        items = ev.load_qa(settings.home / "eval" / "qa.jsonl")
        with threads(1):  # same arithmetic; keeps the many query embeddings fast on a busy machine
            report = ev.run_evaluation(assistant, items, tmp / "report", baseline=False, progress=False)
        metrics = report["metrics"]["project"]
        out: dict[str, float | None] = {label: ev.metric_at(metrics, path) for label, path in QUALITY}
        out["latency p50 ms"] = ev.metric_at(metrics, "latency.p50_ms")
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(ctx: Context) -> Section:
    sec = Section("Embedding model on CPU: variants")
    corpus = write_corpus(ctx.work / "variants-corpus", max(ctx.sizes.variant_sample, 200))
    chunks = chunk_documents(load_corpus(corpus).documents, chunking_config(ctx.base))
    real = chunk_documents(load_corpus(ctx.base.corpus_path).documents, chunking_config(ctx.base))
    texts = [c.embed_text for c in chunks[-ctx.sizes.variant_sample:]]
    lengths = token_lengths(ctx, [c.embed_text for c in chunks])
    real_lengths = token_lengths(ctx, [c.embed_text for c in real])
    model_max = int(ctx.embedder.model.max_seq_length)

    embedders = variants(ctx)
    fast = speed(embedders, texts, 2 if ctx.sizes.runs > 1 else 1)
    qual: dict[str, dict[str, float | None]] = {}
    if ctx.sizes.variant_quality:
        for name, e in embedders.items():
            if name == "1 torch thread":
                continue  # same arithmetic as the default: same answers
            qual[name] = quality(ctx, e)
    default_rate = fast["fp32 (default)"]["rate"]
    rows = []
    kept = []
    for name, f in fast.items():
        q = qual.get(name)
        within = None
        if q and name != "fp32 (default)":
            ref = qual["fp32 (default)"]
            within = all(
                q[label] is not None and ref[label] is not None and q[label] >= ref[label] - ONE_POINT  # type: ignore[operator]
                for label, _ in QUALITY
            )
        if within:
            kept.append(name)
        rows.append([
            name, f"{f['rate']:.1f}", f"{f['rate'] / default_rate:.2f}×", f"{f['cos_min']:.4f}",
            *(("–" if not q or q[label] is None else f"{q[label]:.3f}") for label, _ in QUALITY),
            "–" if within is None else ("yes" if within else "no"),
        ])
    for name, f in fast.items():
        if name != "fp32 (default)":
            sec.figure(f"{name}: speed vs fp32", f["rate"] / default_rate, "×", note="same texts, same run")
    sec.add(
        f"Speed on {len(texts)} synthetic chunk texts (interleaved runs, median); cosine = each passage "
        "vector against the default model's. Quality = `run_evaluation` (what `assistant eval` runs) on "
        "eval/qa.jsonl, with the index built and the questions embedded by the variant.",
        "",
        table(["variant", "passages/s", "vs fp32", "min cosine", *(label for label, _ in QUALITY),
               "within 1 point"], rows),
        "",
        f"Token lengths with the `passage: ` prompt: real chunks max {max(real_lengths)}, median "
        f"{median(real_lengths):.0f}; synthetic chunks max {max(lengths)}, median {median(lengths):.0f}; "
        f"the model's max_seq_length is {model_max}. Inputs are already length-sorted into batches (the "
        "index sorts, and sentence-transformers sorts within each call), so padding is small and a shorter "
        f"max_seq_length (e.g. 128 ≥ the longest chunk) truncates nothing and saves nothing; below "
        f"{max(real_lengths)} it would cut real chunks.",
    )
    if ctx.sizes.variant_quality:
        sec.add("", "Kept (within one point on every metric): " + (", ".join(kept) if kept else "none") + ".")
    return sec
