"""Language data as data: word lists, question patterns and units under ``assistant/data``,
each file with the purpose it serves in its header. Loaded once per process."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).with_name("data")


@lru_cache(maxsize=None)
def words(name: str) -> frozenset[str]:
    """The words of ``data/lexicon/<name>.txt`` (whitespace-separated, ``#`` comments)."""
    path = DATA_DIR / "lexicon" / f"{name}.txt"
    if not path.exists():
        known = sorted(p.stem for p in path.parent.glob("*.txt"))
        raise KeyError(f"no word list {name!r}; known: {', '.join(known)}")
    lines = (line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for line in lines for w in line.split())


def longest_first(items: Iterable[str]) -> tuple[str, ...]:
    """``items`` longest first (equal lengths as given): how alternatives go into a pattern,
    so that 万亿元 is tried before 亿元."""
    return tuple(sorted(items, key=len, reverse=True))


#: where a pattern takes in a part written once (``{_when_asked}``: the pattern named ``_when_asked``)
_PART = re.compile(r"\{(_\w+)\}")


def compile_patterns(data: Mapping[str, str]) -> dict[str, re.Pattern[str]]:
    """The patterns of ``data`` compiled (case-insensitive), each ``{_name}`` in one replaced by
    the part called ``_name``; the parts themselves are no patterns."""
    parts = {k: v for k, v in data.items() if k.startswith("_")}

    def part(m: re.Match[str]) -> str:
        if m.group(1) not in parts:
            raise KeyError(f"patterns.yaml: no part {m.group(1)!r}; known: {', '.join(sorted(parts))}")
        return parts[m.group(1)]

    return {k: re.compile(_PART.sub(part, v), re.I) for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    data = yaml.safe_load((DATA_DIR / "patterns.yaml").read_text(encoding="utf-8")) or {}
    table = {str(k): str(v) for k, v in data.items()}
    # the kinds of document (data/lexicon/document_kinds.txt), one list for every pattern naming one
    table["_document_kind"] = "|".join(document_kinds())
    return compile_patterns(table)


def pattern(name: str) -> re.Pattern[str]:
    """The question pattern called ``name`` in ``data/patterns.yaml``."""
    table = _patterns()
    if name not in table:
        raise KeyError(f"no pattern {name!r}; known: {', '.join(sorted(table))}")
    return table[name]


@lru_cache(maxsize=1)
def unit_table() -> dict[str, tuple[str, ...]]:
    """What a figure may be counted in, by kind (money → 亿元, 万元, 元 …), longest first."""
    data = yaml.safe_load((DATA_DIR / "lexicon" / "units.yaml").read_text(encoding="utf-8")) or {}
    return {str(k): longest_first(str(u) for u in v) for k, v in data.items()}


def all_units() -> tuple[str, ...]:
    """Every unit of :func:`unit_table`, of whatever kind, longest first."""
    return longest_first({u for units in unit_table().values() for u in units})


@lru_cache(maxsize=1)
def document_kinds() -> tuple[str, ...]:
    """The kinds of official document (data/lexicon/document_kinds.txt), longest first: what a
    title ends with (…实施方案) and what a question calls a document by (这份条例, 规定里说)."""
    return longest_first(words("document_kinds"))


@lru_cache(maxsize=1)
def document_parts() -> dict[str, tuple[tuple[str, ...], re.Pattern[str]]]:
    """The parts of an official document asked for by name (文号, 落款日期): kind → (names,
    longest first; how a passage states it)."""
    data = yaml.safe_load((DATA_DIR / "lexicon" / "document_parts.yaml").read_text(encoding="utf-8")) or {}
    return {
        str(k): (longest_first(map(str, v["names"])), re.compile(str(v["stated"])))
        for k, v in data.items()
    }


@lru_cache(maxsize=1)
def everyday_words() -> dict[str, tuple[str, ...]]:
    """Everyday words → the formal words documents write for the same thing (房子 → 房屋, 住房)."""
    data = yaml.safe_load((DATA_DIR / "lexicon" / "everyday_words.yaml").read_text(encoding="utf-8")) or {}
    return {str(k): tuple(map(str, v)) for k, v in data.items()}


__all__ = ["DATA_DIR", "document_parts", "everyday_words", "pattern", "unit_table", "words"]
