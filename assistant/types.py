"""Small immutable domain types. LangChain objects are converted to these at the boundary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECTION_SEP = " › "


@dataclass(frozen=True)
class Document:
    """One source document from ``corpus/`` with its metadata."""

    source: str  # file name relative to the corpus folder
    title: str
    text: str  # body (Markdown or plain text), front matter removed
    metadata: dict[str, str] = field(default_factory=dict)
    sha256: str = ""


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, following its headings."""

    id: str
    source: str
    title: str
    section_path: tuple[str, ...]
    text: str
    ordinal: int  # position of the chunk within its document

    @property
    def section(self) -> str:
        return SECTION_SEP.join(self.section_path)

    @property
    def embed_text(self) -> str:
        """Text given to the retrievers: the section path gives a short passage its context."""
        return f"{self.section}：{self.text}" if self.section_path else self.text

    def to_metadata(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "ordinal": self.ordinal,
        }

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> "Chunk":
        section = str(meta.get("section", ""))
        return cls(
            id=chunk_id,
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            section_path=tuple(section.split(SECTION_SEP)) if section else (),
            text=text,
            ordinal=int(meta.get("ordinal", 0)),
        )


@dataclass(frozen=True)
class RetrievedChunk:
    """A chunk returned by a retriever, with its score (higher is better) and rank (1-based)."""

    chunk: Chunk
    score: float
    rank: int

    @property
    def id(self) -> str:
        return self.chunk.id

    @property
    def text(self) -> str:
        return self.chunk.text

    @property
    def section(self) -> str:
        return self.chunk.section

    @property
    def source(self) -> str:
        return self.chunk.source

    def to_json(self) -> dict[str, Any]:
        return {
            "chunk_id": self.chunk.id,
            "source": self.chunk.source,
            "section": self.chunk.section,
            "text": self.chunk.text,
            "score": round(float(self.score), 6),
        }


@dataclass(frozen=True)
class Citation:
    """A numbered source under an answer; ``n`` matches the ``[n]`` marker in the text."""

    n: int
    chunk_id: str
    source: str
    section: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "chunk_id": self.chunk_id,
            "source": self.source,
            "section": self.section,
            "text": self.text,
        }


@dataclass(frozen=True)
class Answer:
    """What the citizen reads: text with [n] markers, its citations, and how it was made."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    refusal_kind: str | None = None  # "not_covered" | "off_topic" | "invalid_input" | ...
    notice: str = ""
    mode: str = "extractive"
    retrieved: tuple[RetrievedChunk, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def latency_ms(self) -> float:
        return float(self.timings_ms.get("total", 0.0))

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "refusal_kind": self.refusal_kind,
            "citations": [c.to_json() for c in self.citations],
            "latency_ms": round(self.latency_ms, 2),
            "notice": self.notice,
        }
