"""Reading a Q&A file in the format of ``eval/README.md``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .eval_types import CATEGORIES, QAItem, QAQuestion

REQUIRED = {"id": str, "question": str, "category": str, "answerable": bool, "expected_facts": list, "evidence": list}


def load_qa(path: Path) -> list[QAItem]:
    """Read a Q&A file in the format of ``eval/README.md``; raise ValueError naming the
    line of any malformed item."""
    items: list[QAItem] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{where}: not JSON ({err.msg})") from err
        if not isinstance(data, dict):
            raise ValueError(f"{where}: not a JSON object")
        for key, typ in REQUIRED.items():
            if not isinstance(data.get(key), typ):
                raise ValueError(f"{where}: field {key!r} missing or not {typ.__name__}")
        if not data["id"].strip() or not data["question"].strip():
            raise ValueError(f"{where}: empty 'id' or 'question'")
        if data["category"] not in CATEGORIES:
            raise ValueError(f"{where}: unknown category {data['category']!r} (one of {', '.join(CATEGORIES)})")
        facts = data["expected_facts"]
        if not all(isinstance(g, list) and g and all(isinstance(a, str) and a for a in g) for g in facts):
            raise ValueError(f"{where}: 'expected_facts' must be a list of non-empty lists of strings")
        if not all(isinstance(e, str) and e for e in data["evidence"]):
            raise ValueError(f"{where}: 'evidence' must be a list of non-empty strings")
        history = data.get("history", [])
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            raise ValueError(f"{where}: 'history' must be a list of strings")
        if data["id"] in seen:
            raise ValueError(f"{where}: duplicate id {data['id']!r}")
        seen.add(data["id"])
        items.append(
            QAItem(
                id=data["id"],
                question=data["question"],
                category=data["category"],
                answerable=data["answerable"],
                expected_facts=tuple(tuple(group) for group in facts),
                evidence=tuple(data["evidence"]),
                history=tuple(history),
            )
        )
    return items


def questions_of(items: Iterable[QAItem]) -> list[QAQuestion]:
    """The part of each item a system may see: id, question and earlier questions."""
    return [QAQuestion(id=i.id, question=i.question, history=i.history) for i in items]
