"""Levels and classes a question names (1级待遇, 第一类资助对象, 三档): which section is about
the one it asks for. Sections of such documents are often alike word for word but for the
number (享受长护险2级待遇的… / 享受长护险1级待遇的…); only the number tells them apart."""

from __future__ import annotations

import re

from ..text import CN_DIGITS, cn_number

_NUMBER = rf"(?:\d{{1,2}}|[{CN_DIGITS}十])"
#: a run of numbers and what they number: 1级, 一、二级, 1-2级, 一至四级, 第一类, 三档
_LEVELS = re.compile(rf"({_NUMBER}(?:\s*[-－~～至到、和及]\s*{_NUMBER})*)\s*(级|类|档)")
_SPAN = re.compile(r"[-－~～至到]")


def levels(text: str) -> dict[str, set[int]]:
    """The numbers ``text`` gives each measure (级, 类, 档), ranges spelled out: “1-2级补贴
    标准为…，3-5级…” → {级: {1, 2, 3, 4, 5}}."""
    found: dict[str, set[int]] = {}
    for m in _LEVELS.finditer(text):
        numbers = [cn_number(n) or 0 for n in re.findall(_NUMBER, m.group(1))]
        seps = re.split(_NUMBER, m.group(1))[1:-1]
        values = set(numbers)
        for a, b, sep in zip(numbers, numbers[1:], seps):
            if _SPAN.search(sep):
                values |= set(range(min(a, b), max(a, b) + 1))
        found.setdefault(m.group(2), set()).update(values)
    return found


def asked_level(question: str) -> tuple[str, int] | None:
    """The one level or class a question names (享受1级待遇的… → (级, 1)); None when it names
    none, several, or a range."""
    named = levels(question)
    if len(named) != 1:
        return None
    (measure, values), = named.items()
    return (measure, next(iter(values))) if len(values) == 1 else None


def agrees(asked: tuple[str, int], text: str) -> int:
    """+1 when ``text`` names the asked level, -1 when it names only others of its measure,
    0 when it names none."""
    measure, value = asked
    named = levels(text).get(measure)
    if not named:
        return 0
    return 1 if value in named else -1


__all__ = ["agrees", "asked_level", "levels"]
