"""What a new build changes against the build in service: documents and sections added,
removed and changed. ``assistant index`` prints it before it switches."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..types import SECTION_SEP, Chunk, Document
from .layout import chunk_from_json

#: names listed under each kind of change; the rest are counted
SHOWN = 12


@dataclass(frozen=True)
class IndexChanges:
    previous_build: str | None
    documents_added: tuple[str, ...] = ()
    documents_removed: tuple[str, ...] = ()
    documents_changed: tuple[str, ...] = ()
    sections_added: tuple[str, ...] = ()
    sections_removed: tuple[str, ...] = ()
    sections_changed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not any((self.documents_added, self.documents_removed, self.documents_changed,
                        self.sections_added, self.sections_removed, self.sections_changed))

    def summary(self) -> str:
        if self.previous_build is None:
            return "这是第一次建立索引，没有在用的索引可比较（no index in service yet）。"
        head = f"与在用的索引 {self.previous_build} 相比 changes since the build in service:"
        if self.empty:
            return head + " 文档和章节都没有变化（no document or section changed）。"
        lines = [head]
        for label, added, removed, changed in (
            ("文档 documents", self.documents_added, self.documents_removed, self.documents_changed),
            ("章节 sections", self.sections_added, self.sections_removed, self.sections_changed),
        ):
            lines.append(f"  {label}: 新增 added {len(added)}, 删除 removed {len(removed)}, 修改 changed {len(changed)}")
            for mark, names in (("+", added), ("-", removed), ("~", changed)):
                lines += [f"    {mark} {n}" for n in names[:SHOWN]]
                if len(names) > SHOWN:
                    lines.append(f"    {mark} … 另有 {len(names) - SHOWN} 个 (and {len(names) - SHOWN} more)")
        return "\n".join(lines)


def _sections(chunks: Iterable[Chunk]) -> dict[str, str]:
    """``source › section path`` → the section's text (its chunks in order)."""
    out: dict[str, list[str]] = {}
    for c in sorted(chunks, key=lambda c: (c.source, c.ordinal)):
        out.setdefault(SECTION_SEP.join((c.source, *c.section_path)), []).append(c.text)
    return {k: "\n".join(v) for k, v in out.items()}


def _split(old: dict[str, str], new: dict[str, str]) -> tuple[tuple[str, ...], ...]:
    added = tuple(k for k in new if k not in old)
    removed = tuple(k for k in old if k not in new)
    changed = tuple(k for k in new if k in old and old[k] != new[k])
    return added, removed, changed


def changes_since(previous: Path | None, documents: Sequence[Document], chunks: Sequence[Chunk]) -> IndexChanges:
    """Compare the documents and chunks of a new build with the build folder ``previous``
    (None: no build in service)."""
    if previous is None:
        return IndexChanges(None)
    try:
        manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
        old_docs = {str(d["source"]): str(d.get("sha256", "")) for d in manifest.get("documents", [])}
        old_chunks = [chunk_from_json(json.loads(line)) for line in
                      (previous / "chunks.jsonl").read_text(encoding="utf-8").splitlines() if line]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # a damaged build: compared with nothing
        return IndexChanges(None)
    docs = _split(old_docs, {d.source: d.sha256 for d in documents})
    sections = _split(_sections(old_chunks), _sections(chunks))
    return IndexChanges(previous.name, *docs, *sections)
