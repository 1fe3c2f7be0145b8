"""A draft curated answer (``corpus/curated.yaml`` format) for a group of the gaps report,
for staff to complete: the group's wordings as the questions, the nearest passage of the
documents as the citation (its text verbatim), and an answer marked TODO."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import yaml

from .gaps import Group

if TYPE_CHECKING:
    from .pipeline import Assistant

TODO = "TODO：工作人员在此写答复，每句后用 [1] 标出所依据的引文"
HEADER = (
    "# Draft curated answers from `assistant gaps` ({stamp}). For each entry: write the answer\n"
    "# (every figure must stand in a cited quote), keep or edit the questions, check that each\n"
    "# quote is the passage the answer rests on, then add the entry to corpus/curated.yaml and\n"
    "# run `assistant index` and `assistant eval`.\n"
)


def nearest_passage(assistant: Assistant, group: Group) -> tuple[str, str]:
    """(document file, verbatim quote): the chunk recorded for the group when the index in
    service still has it, else the best passage retrieved for the group's leading question."""
    chunk = assistant.index.by_id.get(group.chunk_id) if group.chunk_id else None
    if chunk is None:
        found = assistant.search(group.question).chunks
        chunk = found[0].chunk if found else None
    if chunk is None:
        return "", ""
    return chunk.source, verbatim(chunk.text, _document_text(assistant, chunk.source))


def _document_text(assistant: Assistant, source: str) -> str:
    return next((d.text for d in assistant.corpus.documents if d.source == source), "")


def verbatim(passage: str, document: str) -> str:
    """The passage when the document holds it as it is, else its longest sentence that the
    document holds (chunking may have joined lines), else the passage."""
    if not document or passage in document:
        return passage
    sentences = [s.strip() for s in re.findall(r"[^。！？；]+[。！？；]?", passage) if s.strip()]
    held = [s for s in sentences if s in document]
    return max(held, key=len) if held else passage


def draft_entry(group: Group, source: str, quote: str, stamp: str) -> dict[str, Any]:
    return {
        "id": f"gap-{stamp}-{group.number}",
        "questions": list(group.examples),
        "answer": TODO,
        "citations": [{"source": source or "TODO", "quote": quote or "TODO"}],
    }


def drafts_yaml(entries: Sequence[dict[str, Any]], stamp: str) -> str:
    body = yaml.safe_dump(list(entries), allow_unicode=True, sort_keys=False, width=1000)
    return HEADER.format(stamp=stamp) + body


def draft_stamp(until: datetime | None) -> str:
    return (until or datetime.now()).strftime("%Y%m%d")
