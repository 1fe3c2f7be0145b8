"""An anonymous record of what went unanswered, for the staff's gaps report (``assistant gaps``).

Kept like the feedback (:mod:`assistant.feedback`), in a second table of the same SQLite file
with the same retention. One row per answer that the web app refused as *not covered* or
*off topic* or as an injection (instructions only; marked, as is any question holding instructions) or that a visitor rated "not
helpful". A row holds: a random id made for that answer (the feedback's id when it was
rated; it identifies no person or session), the hour (UTC, rounded down), the question
with ID-card, mobile and e-mail numbers masked, the refusal kind, the rating and the reason
the visitor picked, the nearest section of the document (and its chunk), the channel
(``api``, ``web``, ``embed``) and the embedding of the masked question (for grouping by
meaning). No IP address, cookie, user agent or session id.

On by default; ``ASSISTANT_UNANSWERED_LOG=false`` turns it off. Nothing here may break an
answer: the web-facing methods log their errors and return.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import numpy as np

from .answering import strip_injection
from .config import Settings
from .feedback import HELPFUL, NOT_HELPFUL, REASONS, SQLiteStore, mask_personal_data
from .text import clean_question
from .types import Answer

log = logging.getLogger(__name__)

#: Refusals that are recorded (empty, over-long or busy questions are not); an injection
#: refusal (a question that only gives instructions or asks to make something up) is marked,
#: and so is a request for help to deceive (wrongdoing).
RECORDED_KINDS = ("not_covered", "off_topic", "injection", "wrongdoing")
#: refusals of a message that misuses the assistant (instructions only, a request to invent, or
#: how to deceive): marked, and charted together as injections
MISUSE_KINDS = ("injection", "wrongdoing")
MAX_CHARS = 500  # a stored question is cut here (longer ones are refused before answering)

COLUMNS = ("id", "hour", "question", "refusal_kind", "injection", "rating", "reason",
           "section", "source", "chunk_id", "channel")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS unanswered (
    id           TEXT PRIMARY KEY,   -- random per answer; identifies no person
    hour         TEXT NOT NULL,      -- UTC, ISO 8601, rounded down to the hour
    question     TEXT NOT NULL,      -- masked
    refusal_kind TEXT,               -- not_covered | off_topic | injection | wrongdoing | NULL (answered)
    injection    INTEGER NOT NULL DEFAULT 0,
    rating       TEXT,               -- not_helpful | helpful | NULL (not rated)
    reason       TEXT,
    section      TEXT,               -- nearest section of the document
    source       TEXT,
    chunk_id     TEXT,
    channel      TEXT,
    vector       BLOB,               -- float16 embedding of the masked question
    vector_model TEXT
);
CREATE INDEX IF NOT EXISTS unanswered_hour ON unanswered (hour);
"""

F = TypeVar("F", bound=Callable[..., Any])


def _never_raises(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception:  # the record must never break an answer
            log.exception("could not update the record of unanswered questions")
            return None

    return wrapper  # type: ignore[return-value]


def _hour(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).replace(minute=0, second=0, microsecond=0).isoformat()


def model_key(settings: Settings) -> str:
    """Which embedding a stored vector was made with (model and query prompt)."""
    return f"{settings.embedding_model}|{settings.query_prompt}"


def to_blob(vector: Sequence[float] | np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)


class UnansweredStore(SQLiteStore):
    """The SQLite table; one connection per operation, safe to share between threads."""

    SCHEMA = _SCHEMA

    def insert(self, row: dict[str, Any], *, vector: bytes | None = None, model: str | None = None) -> None:
        """Store one row (masked here); an existing row of the same id keeps its question,
        kind and section, and takes the new rating."""
        values = {c: row.get(c) for c in COLUMNS}
        values["question"] = mask_personal_data(str(values["question"] or "").strip())[:MAX_CHARS]
        values["hour"] = values["hour"] or _hour()
        values["injection"] = int(bool(values["injection"]))
        with self.connect() as conn:
            conn.execute(
                f"""INSERT INTO unanswered ({', '.join(COLUMNS)}, vector, vector_model)
                    VALUES ({', '.join('?' * (len(COLUMNS) + 2))})
                    ON CONFLICT (id) DO UPDATE SET rating = excluded.rating, reason = excluded.reason""",
                [values[c] for c in COLUMNS] + [vector, model],
            )
            self._purge(conn)

    def purge(self) -> int:
        """Delete rows older than the retention period; returns how many."""
        with self.connect() as conn:
            return self._purge(conn)

    def _purge(self, conn: sqlite3.Connection) -> int:
        cutoff = _hour(datetime.now(UTC) - timedelta(days=self.retention_days))
        return conn.execute("DELETE FROM unanswered WHERE hour < ?", (cutoff,)).rowcount

    def rows(self, since: datetime | None = None, until: datetime | None = None,
             *, vectors: bool = False) -> list[dict[str, Any]]:
        """The rows whose hour is in [since, until), oldest first; with ``vectors`` also
        ``vector`` (a float32 array or None) and ``vector_model``."""
        cols = list(COLUMNS) + (["vector", "vector_model"] if vectors else [])
        where, args = [], []
        if since is not None:
            where.append("hour >= ?")
            args.append(_hour(since))
        if until is not None:
            where.append("hour < ?")
            args.append(until.isoformat())
        sql = f"SELECT {', '.join(cols)} FROM unanswered"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self.connect() as conn:
            out = [dict(r) for r in conn.execute(sql + " ORDER BY hour, id", args)]
        for row in out:
            row["injection"] = bool(row["injection"])
            if vectors:
                row["vector"] = from_blob(row["vector"]) if row["vector"] else None
        return out

    def set_vectors(self, items: Sequence[tuple[str, np.ndarray]], model: str) -> None:
        """Keep the embeddings that the report computed, so that the next report reuses them."""
        with self.connect() as conn:
            conn.executemany("UPDATE unanswered SET vector = ?, vector_model = ? WHERE id = ?",
                             [(to_blob(v), model, i) for i, v in items])


class UnansweredLog:
    """What the web app calls: after an answer, and when a visitor rates one.

    ``embed`` (the assistant's query embedding) and ``model`` are optional: with them the
    masked question's vector is stored at once (one short embedding, only for refused or
    disliked answers), otherwise ``assistant gaps`` computes it."""

    def __init__(self, store: UnansweredStore, *, enabled: bool = True,
                 embed: Callable[[list[str]], list[list[float]]] | None = None, model: str = "") -> None:
        self.store = store
        self.enabled = enabled
        self.embed = embed
        self.model = model

    def _vector(self, question: str) -> tuple[bytes | None, str | None]:
        if self.embed is None:
            return None, None
        masked = mask_personal_data(question.strip())[:MAX_CHARS]
        return to_blob(self.embed([masked])[0]), self.model

    @staticmethod
    def _injection(question: str, kind: str | None = None) -> bool:
        return kind in MISUSE_KINDS or strip_injection(clean_question(question))[1]

    @_never_raises
    def answered(self, answer_id: str, question: str, answer: Answer, channel: str) -> None:
        """Record a refusal (not covered / off topic); answers that were given are not recorded."""
        if not self.enabled or answer.refusal_kind not in RECORDED_KINDS:
            return
        near = answer.retrieved[0].chunk if answer.retrieved else None
        row = {
            "id": answer_id, "question": question, "refusal_kind": answer.refusal_kind,
            "injection": self._injection(question, answer.refusal_kind), "channel": channel,
            "section": near.section if near else None, "source": near.source if near else None,
            "chunk_id": near.id if near else None,
        }
        self.store.insert(row, **dict(zip(("vector", "model"), self._vector(question))))

    @_never_raises
    def rated(self, answer_id: str, question: str, rating: str, refusal_kind: str | None,
              citations: Sequence[dict[str, Any]], channel: str) -> None:
        """A visitor rated an answer: "not helpful" puts it on the record; "helpful" takes an
        answered question off it (a refusal stays, with its rating)."""
        if not self.enabled or (refusal_kind is not None and refusal_kind not in RECORDED_KINDS):
            return  # empty, over-long, busy: not a gap of the documents
        if rating == HELPFUL:
            with self.store.connect() as conn:
                conn.execute("UPDATE unanswered SET rating = ?, reason = NULL WHERE id = ?", (HELPFUL, answer_id))
                conn.execute("DELETE FROM unanswered WHERE id = ? AND refusal_kind IS NULL", (answer_id,))
            return
        if rating != NOT_HELPFUL:
            return
        first = citations[0] if citations else {}
        row = {
            "id": answer_id, "question": question, "channel": channel, "rating": NOT_HELPFUL,
            "refusal_kind": refusal_kind,
            "injection": self._injection(question, refusal_kind),
            "section": first.get("section"), "source": first.get("source"), "chunk_id": first.get("chunk_id"),
        }
        with self.store.connect() as conn:
            known = conn.execute("SELECT 1 FROM unanswered WHERE id = ?", (answer_id,)).fetchone()
        vector, model = (None, None) if known else self._vector(question)
        self.store.insert(row, vector=vector, model=model)

    @_never_raises
    def reason(self, answer_id: str, reason: str | None) -> None:
        if not self.enabled or reason not in REASONS:
            return
        with self.store.connect() as conn:
            conn.execute("UPDATE unanswered SET reason = ? WHERE id = ? AND rating = ?", (reason, answer_id, NOT_HELPFUL))

    @_never_raises
    def withdrawn(self, answer_id: str) -> None:
        """The visitor took the rating back."""
        if not self.enabled:
            return
        with self.store.connect() as conn:
            conn.execute("UPDATE unanswered SET rating = NULL, reason = NULL WHERE id = ?", (answer_id,))
            conn.execute("DELETE FROM unanswered WHERE id = ? AND refusal_kind IS NULL", (answer_id,))

    @_never_raises
    def purge(self) -> None:
        if self.enabled:
            self.store.purge()
