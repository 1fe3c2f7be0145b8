"""Lean serving: the serving path imports only what it uses, and the clause vectors that
answers are chosen from are computed with the index and stored in the build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from assistant.answering import SentenceScorer
from assistant.embeddings import SentenceVectors
from assistant.index.clauses import ROWS_FILE, VECTORS_FILE, ClauseStore
from assistant.pipeline import Assistant

ROOT = Path(__file__).resolve().parents[1]
#: modules the command line and the answer path must not import
UNUSED = ("sklearn", "gradio", "openai", "langchain_openai", "langchain_huggingface", "fastapi")


def _python(code: str, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", **(env or {})},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


def _settings_env(assistant: Assistant) -> dict[str, str]:
    s = assistant.settings
    return {"ASSISTANT_HOME": str(s.home), "ASSISTANT_INDEX_DIR": str(s.index_path), "ASSISTANT_MODELS_DIR": str(s.models_path)}


def test_an_answer_imports_neither_sklearn_nor_gradio_nor_the_llm_client(plan_assistant: Assistant):
    loaded = _python(
        f"""
        import sys
        from assistant.cli import main
        from assistant.pipeline import Assistant
        answer = Assistant().ask("生态安全领域投资多少？")
        assert "12.74" in answer.text, answer.text
        print(sorted({{m.split(".")[0] for m in sys.modules}} & set({UNUSED!r})))
        """,
        _settings_env(plan_assistant),
    )
    assert loaded == "[]"


def test_a_keyword_search_does_not_open_chroma(plan_assistant: Assistant):
    loaded = _python(
        """
        import sys
        from assistant.pipeline import Assistant
        result = Assistant().search("生态安全领域投资多少", mode="keyword")
        assert result.chunks
        print("chromadb" in sys.modules)
        """,
        _settings_env(plan_assistant),
    )
    assert loaded == "False"


def test_sklearn_still_imports_for_whoever_needs_it():
    assert _python(
        """
        from assistant.embeddings import import_sentence_transformers
        import_sentence_transformers()
        from sklearn.metrics import pairwise_distances
        print(pairwise_distances([[0.0, 1.0]], [[1.0, 1.0]], metric="manhattan")[0][0])
        """
    ) == "1.0"


def test_the_build_stores_every_clause_vector_the_models_own(plan_assistant: Assistant):
    index = plan_assistant.index
    texts = [t for c in index.chunks for t in SentenceScorer.clause_texts(c)]
    assert index.manifest["clause_count"] == len(texts) > len(index.chunks)
    assert (index.path / VECTORS_FILE).exists() and (index.path / ROWS_FILE).exists()
    store = index.clauses
    assert store is not None
    sample = index.chunks[:: max(1, len(index.chunks) // 4)]
    for chunk in sample:
        clause_texts = SentenceScorer.clause_texts(chunk)
        stored = store.lookup(chunk.id, clause_texts)
        direct = np.asarray(plan_assistant.embedder.embed_passages(clause_texts), dtype=np.float32)
        assert stored is not None and stored.shape == direct.shape
        assert float((stored * direct).sum(axis=1).min()) > 0.9999


def test_answers_use_the_stored_vectors_and_embed_no_clause(plan_assistant: Assistant):
    embedder = plan_assistant.embedder
    calls: list[list[str]] = []

    class Spy:
        def embed_passages(self, texts: list[str]) -> list[list[float]]:
            calls.append(list(texts))
            return embedder.embed_passages(texts)

    question = "生态安全领域投资多少？"
    result = plan_assistant.retriever.search(question, with_dense_score=True)
    scorer = plan_assistant.composer.scorer
    fresh = SentenceVectors(Spy(), stored=plan_assistant.index.clauses)  # type: ignore[arg-type]
    plain = SentenceVectors(embedder)
    with_store = SentenceScorer(scorer.vocab, scorer.tokenize, fresh).sentence_similarity(result.query_vector, result.chunks)
    computed = SentenceScorer(scorer.vocab, scorer.tokenize, plain).sentence_similarity(result.query_vector, result.chunks)
    assert calls == []
    assert with_store.keys() == computed.keys() and with_store
    assert all(abs(with_store[k] - computed[k]) < 1e-4 for k in computed)


def test_a_chunk_whose_clauses_changed_falls_back_to_embedding(plan_assistant: Assistant):
    index = plan_assistant.index
    chunk = index.chunks[0]
    texts = SentenceScorer.clause_texts(chunk)
    assert index.clauses is not None
    assert index.clauses.lookup(chunk.id, texts) is not None
    assert index.clauses.lookup(chunk.id, [t + "。" for t in texts]) is None  # split differently: not these vectors
    assert index.clauses.lookup("no-such-chunk", texts) is None
    query = plan_assistant.embedder.embed_query("规划的总体目标是什么？")
    vectors = SentenceVectors(plan_assistant.embedder, stored=index.clauses)
    changed = [t + "。" for t in texts]
    sims = vectors.chunk_similarities(query, [(chunk.id, changed)])[0]
    assert sims == pytest.approx(vectors.similarities(query, changed), abs=1e-6)
    assert all(t in vectors._cache for t in changed)


def test_a_build_whose_clause_files_are_missing_or_do_not_fit_has_none(plan_assistant: Assistant, tmp_path: Path):
    build = tmp_path / "build"
    shutil.copytree(plan_assistant.index.path, build)
    (build / VECTORS_FILE).unlink()
    assert ClauseStore.open(build, plan_assistant.index.chunks) is None
    np.save(build / VECTORS_FILE, np.zeros((3, 4), dtype=np.float32))  # not this build's rows
    assert ClauseStore.open(build, plan_assistant.index.chunks) is None
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["clause_count"] > 0


def test_the_build_stores_the_off_topic_bank_and_answers_use_it(plan_assistant: Assistant):
    from assistant.answering.banks import INJECTION_FILE, INJECTION_SET, OFFTOPIC_SET, OffTopicBank, load_bank

    bank = load_bank()
    stored = plan_assistant.index.query_vectors(OFFTOPIC_SET, bank)
    assert stored is not None and stored.shape == (len(bank), plan_assistant.embedder.dimension)
    sample = [0, len(bank) // 2, len(bank) - 1]
    own = np.asarray(plan_assistant.embedder.embed_queries([bank[i] for i in sample]), dtype=np.float32)
    assert np.allclose(stored[sample], own, atol=1e-4)  # the model's own vectors, query prompt
    assert plan_assistant.index.query_vectors(OFFTOPIC_SET, bank[:-1]) is None  # an edited bank: not these
    assert plan_assistant.index.query_vectors("other", bank) is None
    instructions = load_bank(INJECTION_FILE, "text")  # the injection bank is stored the same way
    assert plan_assistant.index.query_vectors(INJECTION_SET, instructions).shape == (len(instructions), plan_assistant.embedder.dimension)

    calls: list[int] = []

    def counting(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return plan_assistant.embedder.embed_queries(texts)

    served = OffTopicBank(counting, bank, stored=lambda texts: plan_assistant.index.query_vectors(OFFTOPIC_SET, texts))
    question = np.asarray(plan_assistant.embedder.embed_queries(["What is the weather like tomorrow?"])[0], dtype=np.float32)
    assert served.similarity(question) > 0.8 and calls == []  # nothing embedded on first use
    edited = OffTopicBank(counting, bank[:10], stored=lambda texts: plan_assistant.index.query_vectors(OFFTOPIC_SET, texts))
    edited.similarity(question)
    assert calls == [10]  # a bank the build does not hold is embedded as before
