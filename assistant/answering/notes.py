"""The one-line note that explains a glossary term an answer mentions."""

from __future__ import annotations

from collections.abc import Sequence

from ..citations import MARKER, figures
from ..glossary import Term
from ..wording import Wording
from .compose import Draft
from .understanding import Intent


def with_glossary_note(draft: Draft, glossary: Sequence[Term], wording: Wording) -> Draft:
    """Explain the first glossary term that the answer mentions (one line)."""
    if draft.intent is Intent.DEFINITION:
        return draft
    body = MARKER.sub("", draft.text)
    for term in glossary:
        if any(name in body for name in term.names) and not figures(term.explanation):
            basis = wording("glossary_corpus" if term.basis == "corpus" else "glossary_public")
            note = wording("glossary_note", term=term.term, explanation=term.explanation.rstrip("。"), basis=basis)
            return Draft(draft.text + note, draft.passages, draft.intent)
    return draft
