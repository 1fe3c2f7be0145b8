"""A composer over a few hand-made chunks, without the embedding model: what the rule tests
of ``assistant/answering`` build their answers with."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answering import FIRST, HANDLERS, Composer, SentenceScorer, Vocabulary
from assistant.citations import verify
from assistant.identity import derive_identity
from assistant.text import ChineseTokenizer
from assistant.types import Chunk, Document
from assistant.wording import Wording


def composer_of(chunks: Sequence[Chunk], title: str, issuer: str, body: str = "第一条 …", vectors=None) -> Composer:  # type: ignore[no-untyped-def]
    """A composer whose vocabulary is ``chunks`` alone, speaking for a document ``title`` by
    ``issuer`` whose text begins with ``body`` (clause cosines by ``vectors``, or words only)."""
    identity = derive_identity([Document(chunks[0].source, title, body, {"issuer": issuer})])
    vocab = Vocabulary.from_chunks(list(chunks))
    return Composer(vocab, SentenceScorer(vocab, ChineseTokenizer(), vectors), Wording(identity), HANDLERS, FIRST)


def verified(draft) -> bool:  # type: ignore[no-untyped-def]
    """Does every figure of a draft stand in a passage its sentence cites (or follow from them)?"""
    return verify(draft.text, {k: p.chunk.text for k, p in enumerate(draft.passages, 1)}).ok


def article_chunks(title: str, path: tuple[str, ...], texts: Sequence[str], first: int = 0, source: str = "rules.md") -> list[Chunk]:
    """Consecutive chunks of one section (an article a chunk boundary cut), ids ``{source}-{n}``."""
    return [Chunk(id=f"{source}-{first + k}", source=source, title=title, section_path=path, ordinal=first + k, text=t)
            for k, t in enumerate(texts)]


def section_chunks(title: str, sections: Sequence[tuple[str, str]], source: str = "rules.md") -> list[Chunk]:
    """One chunk for each (heading, text) of ``sections``, in order, ids ``{source}-{n}``."""
    return [Chunk(id=f"{source}-{k}", source=source, title=title, section_path=(heading,), ordinal=k, text=text)
            for k, (heading, text) in enumerate(sections)]
