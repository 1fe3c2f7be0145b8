"""Instruction-like parts of a question (忽略之前的规则, 用某某的口吻回答, print your prompt),
told by how much closer each part is to a bank of such utterances
(:data:`~assistant.answering.banks.INJECTION_FILE`) than to the off-topic bank of ordinary
questions, rather than by a list of phrases: the parts that are instructions go and the
question left is answered; a question that is nothing but instructions is refused as an
injection."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: a bracketed aside, or a run of text up to a sentence or clause mark (kept with it)
_PART = re.compile(r"[【\[（(][^【】\[\]（）()]*[】\]）)]|[^【\[（(。！？!?；;，,：:\n]+[。！？!?；;，,：:]?|.", re.S)
#: a part with fewer letters or characters than this says nothing either way (请问：, OK,)
_MIN_CHARS = 2

#: (cosine to the nearest instruction, cosine to the nearest ordinary question) for each text
Scores = Callable[[list[str]], Sequence[tuple[float, float]]]


def parts(question: str) -> list[str]:
    """The question cut into bracketed asides and clauses; joined, they are the question."""
    return _PART.findall(question)


def _content(part: str) -> str:
    return re.sub(r"[\W_]", "", part)


@dataclass(frozen=True)
class Stripped:
    """What is left of a question to answer, and the instruction parts taken out of it."""

    question: str
    instructions: tuple[str, ...] = ()

    @property
    def only_instructions(self) -> bool:
        return bool(self.instructions) and not _content(self.question)


def strip_instructions(question: str, scores: Scores, least: float, margin: float, rest: bool = False) -> Stripped:
    """``question`` without the parts at least ``least`` close to an instruction and closer to
    it than to any ordinary question by ``margin``. A question of one part is left whole:
    the cosines of a whole question are not calibrated here (the patterns and the coverage
    decision judge it) — unless it is the ``rest`` of a message whose other part, an
    instruction the patterns know, was taken out: then it is one part of several, as those
    the thresholds were fitted on."""
    pieces = parts(question)
    scored = [k for k, p in enumerate(pieces) if len(_content(p)) >= _MIN_CHARS]
    if len(scored) < (1 if rest else 2):
        return Stripped(question)
    found = scores([pieces[k].strip() for k in scored])
    flagged = {k for k, (inj, off) in zip(scored, found) if inj >= least and inj - off >= margin}
    if not flagged:
        return Stripped(question)
    kept = "".join(p for k, p in enumerate(pieces) if k not in flagged).strip()
    kept = re.sub(r"^[\W_]+", "", kept)  # no mark left at the start (，然后…)
    return Stripped(kept, tuple(pieces[k].strip() for k in sorted(flagged)))


__all__ = ["Scores", "Stripped", "parts", "strip_instructions"]
