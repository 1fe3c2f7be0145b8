"""A sentence that a chunk boundary cut inside a clause: a sentence longer than a chunk is
split at a comma, and a clause longer than a chunk (a long enumeration, a row of cited
documents) at a 、 or anywhere. The part that scored best is then a fragment (洗碗机、微波炉
…12类家电产品 without the first ten items); it is made whole again from the chunk before or
after it in its section, each part cited. A cut at a comma or a stop leaves clauses that
stand alone, and they are quoted as they are."""

from __future__ import annotations

import re

from ..types import RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .scoring import end, sentences
from .understanding import Intent

#: a sentence cut in two is quoted whole when it is at most this long
WHOLE_SENTENCE = 400
#: a chunk that ends so ends a clause: the next chunk starts a clause of its own
_CLOSED = re.compile(r"[。！？；.!?;，,：:]\s*$")


def rejoined(
    c: Composer, passages: tuple[RetrievedChunk, ...], pos: int, s: str, intent: Intent = Intent.GENERAL,
) -> Draft | None:
    """The answering sentence made whole when a chunk boundary cut it inside a clause (its
    chunk ends, or the chunk before it in its section ends, with 、 or no mark), each part
    cited; None when it is whole."""
    chunk = passages[pos].chunk
    own = sentences(chunk.text)
    if not own or s not in own:
        return None
    section = c.vocab.section_chunks(chunk)
    at = next((k for k, x in enumerate(section) if x.id == chunk.id), None)
    if at is None:
        return None
    before = section[at - 1] if at > 0 and s == own[0] and not _CLOSED.search(section[at - 1].text) else None
    after = section[at + 1] if at + 1 < len(section) and s == own[-1] and not _CLOSED.search(chunk.text) else None
    head = (sentences(before.text) or [""])[-1] if before is not None else ""
    tail = (sentences(after.text) or [""])[0] if after is not None else ""
    if not (head or tail) or len(head) + len(s) + len(tail) > WHOLE_SENTENCE:
        return None
    parts = ([(head, before)] if head else []) + [(s, chunk)] + ([(tail, after)] if tail else [])
    allp, number = with_chunks(passages, [where for _, where in parts if where is not chunk])  # type: ignore[misc]
    (first, where_first), *rest = parts
    parts = [(c.lead(where_first, first), where_first), *rest]  # type: ignore[arg-type]
    *inner, (last, where_last) = parts
    text = "".join(_marked(part, number[where.id]) for part, where in inner)  # type: ignore[union-attr]
    return Draft(f"{text}{end(last)}[{number[where_last.id]}]。", allp, intent)  # type: ignore[union-attr]


def _marked(part: str, n: int) -> str:
    """A part of a cut sentence with its marker before the comma it was cut at."""
    return f"{part[:-1]}[{n}]{part[-1]}" if part and part[-1] in "，、,；;：:" else f"{part}[{n}]"


__all__ = ["WHOLE_SENTENCE", "rejoined"]
