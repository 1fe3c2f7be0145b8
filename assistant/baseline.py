"""The peer baseline of the evaluation: the pipeline LangChain's RAG tutorial gives a user.

``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`` over the corpus
documents' text, the same embedding model as the assistant (its LangChain ``Embeddings``),
a ``langchain_chroma.Chroma`` store in a temporary folder, and top-k similarity search.
There is no LLM here, so the answer is the text of the top chunk, quoted whole and cited
as ``[1]``; the baseline never refuses.

A conversation's earlier questions are prepended to the question (the tutorial's
conversational variant asks an LLM to rewrite the question; concatenation is the
LLM-free equivalent).

Like the assistant, the baseline receives :class:`~assistant.eval_types.QAQuestion`
objects only.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from .corpus import load_corpus
from .eval_types import RANK_DEPTH, Output, QAQuestion
from .types import Citation, Document

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
COLLECTION = "tutorial_baseline"


class TutorialBaseline:
    """Split → embed → Chroma → similarity search → the top chunk as the answer."""

    name = "baseline"
    modes = ("dense",)

    def __init__(self, documents: Sequence[Document], embeddings: Any, k: int = RANK_DEPTH) -> None:
        import chromadb
        from langchain_chroma import Chroma
        from langchain_core.documents import Document as LCDocument
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        self.k = k
        self.chunks: list[tuple[str, str, str]] = []  # (id, source, text)
        for doc in documents:
            for text in splitter.split_text(doc.text):
                self.chunks.append((f"b{len(self.chunks):04d}", doc.source, text))
        self._dir = Path(tempfile.mkdtemp(prefix="baseline-chroma-"))
        try:
            self.store = Chroma(
                collection_name=COLLECTION,
                embedding_function=embeddings,
                persist_directory=str(self._dir),
                client_settings=chromadb.config.Settings(anonymized_telemetry=False, is_persistent=True),
            )
            self.store.add_documents(
                [LCDocument(page_content=text, metadata={"source": source}) for _, source, text in self.chunks],
                ids=[cid for cid, _, _ in self.chunks],
            )
        except BaseException:
            self.close()
            raise
        self._source = {cid: source for cid, source, _ in self.chunks}

    @classmethod
    def from_assistant(cls, assistant: Any) -> "TutorialBaseline":
        """The baseline over the assistant's corpus, with the assistant's embedding model."""
        corpus = load_corpus(assistant.settings.corpus_path)
        return cls(corpus.documents, assistant.embedder.lc)

    # ------------------------------------------------------------------ System protocol
    def passages(self) -> list[tuple[str, str]]:
        return [(cid, text) for cid, _, text in self.chunks]

    def warm_up(self) -> None:
        self.store.similarity_search("规划", k=1)

    def respond(self, question: QAQuestion) -> Output:
        query = " ".join([*question.history, question.question])
        started = time.perf_counter()
        found = self.store.similarity_search(query, k=min(self.k, len(self.chunks)))
        latency = (time.perf_counter() - started) * 1000
        ids = tuple(str(d.id) for d in found)
        top = found[0]
        citation = Citation(1, str(top.id), self._source.get(str(top.id), ""), "", top.page_content)
        return Output(
            id=question.id,
            answer=top.page_content.strip() + "[1]",
            refused=False,
            refusal_kind=None,
            citations=(citation,),
            latency_ms=latency,
            query=query,
            rankings={"dense": ids},
            how="top-chunk",
        )

    def describe(self) -> dict[str, Any]:
        return {
            "description": (
                f"LangChain RAG tutorial pipeline — RecursiveCharacterTextSplitter(chunk_size={CHUNK_SIZE}, "
                f"chunk_overlap={CHUNK_OVERLAP}), the same embedding model, langchain_chroma.Chroma, "
                f"similarity search (k={self.k}); the answer is the top chunk, cited as [1]."
            ),
            "chunk_size": CHUNK_SIZE,
            "chunk_overlap": CHUNK_OVERLAP,
            "k": self.k,
            "passages": len(self.chunks),
            "query": "earlier questions + question, joined with spaces",
        }

    # ------------------------------------------------------------------ cleanup
    def close(self) -> None:
        store = getattr(self, "store", None)
        if store is not None:
            try:
                store.delete_collection()
            except Exception:  # noqa: BLE001 - the folder is removed anyway
                pass
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "TutorialBaseline":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
