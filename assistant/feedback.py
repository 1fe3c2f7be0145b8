"""Anonymous feedback on answers, kept in a local SQLite database.

What is stored, per answer that a visitor rated: a random id (made for that answer,
linked to no person or session), the rating (helpful / not helpful), an optional reason,
the question, the answer and the reason with ID-card, phone and card numbers and e-mail
addresses masked (:func:`assistant.masking.mask_personal_data`), the cited passages (ids and sections), the index build, the channel (``web``,
``embed``) and the time (UTC, to the second). Nothing else: no IP address, no cookie,
no user agent, no session id. Rows older than the retention period (180 days by default)
are deleted on start-up and on every write.

Export (the command line is in :mod:`assistant.cli`)::

    assistant feedback export --format csv  --output feedback.csv   # formula cells neutralized
    assistant feedback export --format jsonl            # to stdout
    assistant feedback purge                            # apply the retention now
"""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal

from .config import DEFAULT_FEEDBACK_DB, DEFAULT_FEEDBACK_RETENTION_DAYS
# the one masking function (assistant/masking.py), still importable from here
from .masking import EMAIL_MASK, ID_MASK, MOBILE_MASK, csv_safe, mask_personal_data  # noqa: F401

HELPFUL = "helpful"
NOT_HELPFUL = "not_helpful"
RATINGS = (HELPFUL, NOT_HELPFUL)
#: Reasons a visitor can pick for "not helpful" (shown as they are, in Chinese).
REASONS = ("答案不对", "引用不对", "没回答我的问题", "其他")

COLUMNS = (
    "id", "created_at", "updated_at", "rating", "reason", "question", "answer",
    "refused", "refusal_kind", "citations", "index_build", "channel",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id           TEXT PRIMARY KEY,   -- random per answer; identifies no person
    created_at   TEXT NOT NULL,      -- UTC, ISO 8601, seconds
    updated_at   TEXT NOT NULL,
    rating       TEXT NOT NULL CHECK (rating IN ('helpful', 'not_helpful')),
    reason       TEXT,
    question     TEXT NOT NULL,      -- masked
    answer       TEXT NOT NULL,      -- masked
    refused      INTEGER NOT NULL DEFAULT 0,
    refusal_kind TEXT,
    citations    TEXT NOT NULL DEFAULT '[]',  -- JSON: [{"n", "chunk_id", "section"}]
    index_build  TEXT,
    channel      TEXT
);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created_at);
"""

# ----------------------------------------------------------------------------- store
def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class FeedbackEntry:
    """What the web app knows about a rated answer (before masking)."""

    id: str
    question: str
    answer: str
    refused: bool = False
    refusal_kind: str | None = None
    citations: Sequence[dict[str, Any]] = ()
    index_build: str | None = None
    channel: str = "web"


class SQLiteStore:
    """A table in the feedback database (its ``SCHEMA``): one connection per operation, safe
    to share between threads; the schema is made and WAL turned on at the first use."""

    SCHEMA = ""

    def __init__(
        self, path: Path | str = DEFAULT_FEEDBACK_DB, retention_days: int = DEFAULT_FEEDBACK_RETENTION_DAYS
    ) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self._lock = threading.Lock()
        self._ready = False

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=10)) as conn:
                conn.row_factory = sqlite3.Row
                if not self._ready:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.executescript(self.SCHEMA)
                    self._ready = True
                with conn:  # one transaction
                    yield conn


class FeedbackStore(SQLiteStore):
    """A small SQLite store; one connection per operation, safe to share between threads."""

    SCHEMA = _SCHEMA

    def record(self, entry: FeedbackEntry, rating: str, reason: str | None = None) -> None:
        """Store (or replace) the rating of one answer; later ratings of it overwrite earlier ones."""
        if rating not in RATINGS:
            raise ValueError(f"unknown rating {rating!r}")
        if reason is not None and reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        if rating == HELPFUL:
            reason = None
        now = _now().isoformat()
        cites = [
            {"n": c.get("n"), "chunk_id": c.get("chunk_id"), "section": c.get("section")} for c in entry.citations
        ]
        with self.connect() as conn:
            conn.execute(
                """INSERT INTO feedback (id, created_at, updated_at, rating, reason, question, answer,
                                         refused, refusal_kind, citations, index_build, channel)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at,
                       rating = excluded.rating, reason = excluded.reason""",
                (
                    entry.id, now, now, rating, mask_personal_data(reason) if reason else reason,
                    mask_personal_data(entry.question), mask_personal_data(entry.answer),
                    int(entry.refused), entry.refusal_kind, json.dumps(cites, ensure_ascii=False),
                    entry.index_build, entry.channel,
                ),
            )
            self._purge(conn)

    def set_reason(self, entry_id: str, reason: str) -> bool:
        """Add a reason to a "not helpful" rating; False if there is no such rating."""
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        with self.connect() as conn:
            cur = conn.execute(
                "UPDATE feedback SET reason = ?, updated_at = ? WHERE id = ? AND rating = ?",
                (mask_personal_data(reason), _now().isoformat(), entry_id, NOT_HELPFUL),
            )
            return cur.rowcount > 0

    def withdraw(self, entry_id: str) -> None:
        """The visitor took the rating back."""
        with self.connect() as conn:
            conn.execute("DELETE FROM feedback WHERE id = ?", (entry_id,))

    def purge(self) -> int:
        """Delete rows older than the retention period; returns how many."""
        with self.connect() as conn:
            return self._purge(conn)

    def _purge(self, conn: sqlite3.Connection) -> int:
        cutoff = (_now() - timedelta(days=self.retention_days)).isoformat()
        return conn.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,)).rowcount

    def rows(self) -> list[dict[str, Any]]:
        with self.connect() as conn:
            cur = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY created_at, id")
            out = []
            for row in cur.fetchall():
                item = dict(row)
                item["refused"] = bool(item["refused"])
                item["citations"] = json.loads(item["citations"] or "[]")
                out.append(item)
            return out

    def export(self, out: IO[str], fmt: Literal["csv", "jsonl"] = "csv") -> int:
        """Write every row as CSV (header first) or JSON lines; returns the number of rows."""
        rows = self.rows()
        if fmt == "jsonl":
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
            writer.writeheader()
            for row in rows:  # cells a spreadsheet would read as formulas are neutralized
                cells = {**row, "refused": int(row["refused"]), "citations": json.dumps(row["citations"], ensure_ascii=False)}
                writer.writerow({k: csv_safe(v) for k, v in cells.items()})
        else:
            raise ValueError(f"unknown format {fmt!r}")
        return len(rows)


def export_feedback(db: Path | str, out: IO[str], fmt: Literal["csv", "jsonl"] = "csv") -> int:
    """Export the feedback database ``db`` to ``out``; returns the number of rows."""
    return FeedbackStore(db).export(out, fmt)

