"""The staff-editable glossary (``corpus/glossary.yaml``) of the plan's terms and slogans.

Each entry: ``term``, ``aliases``, ``explanation``, ``basis`` (``corpus``: stated in the
corpus; ``public``: standard public knowledge) and ``expand`` (words added to keyword
queries). Used to segment and expand queries and to explain terms in answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

GLOSSARY_FILE = "glossary.yaml"


@dataclass(frozen=True)
class Term:
    term: str
    explanation: str
    basis: str = "corpus"
    aliases: tuple[str, ...] = ()
    expand: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


def load_glossary(corpus_dir: Path) -> tuple[Term, ...]:
    """Read the glossary; a missing file is an empty glossary, a broken one is logged and ignored."""
    path = corpus_dir / GLOSSARY_FILE
    if not path.exists():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        terms = tuple(
            Term(
                term=str(e["term"]),
                explanation=str(e.get("explanation", "")),
                basis=str(e.get("basis", "corpus")),
                aliases=tuple(str(a) for a in e.get("aliases") or ()),
                expand=tuple(str(a) for a in e.get("expand") or ()),
            )
            for e in data
        )
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as err:
        log.warning("ignored %s: %s", path, err)
        return ()
    return terms


def user_words(terms: tuple[Term, ...]) -> list[str]:
    """Words the segmenter should keep whole."""
    return sorted({name for t in terms for name in t.names if 1 < len(name) <= 12})
