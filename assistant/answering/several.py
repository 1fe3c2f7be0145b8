"""Several questions in one message (“全称是什么？规划期是哪几年？”): split, each answered
on its own (a later one with the earlier ones as its conversation), and the answers joined
with their citations renumbered. Nothing here knows a document."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..citations import MARKER, SENTENCE_TAIL
from ..types import Answer, Citation
from .understanding import leans_on_earlier

#: most questions answered from one message; the rest stays with the last one
MAX_QUESTIONS = 3
#: a part shorter than this (characters other than punctuation) is not a question of its own
MIN_CHARS = 5
#: a longer message is answered as one question: each part costs a whole answer, and several
#: real questions in one message are short (this bounds the work of a message of many ？)
MAX_CHARS = 120
_END = re.compile(r"(?<=[？?])\s*")
#: a yes/no question next to another (…钱咋整？全靠政府掏腰包吗？, 能掺和进去不？咋个参与法？) is
#: one need asked twice: only questions that both ask for something are split
_YES_NO = re.compile(r"(?:吗|(?<![什怎这那多要])么|嘛|不|没|没有|否)[？?]\s*$")
_PUNCT = re.compile(r"[\W_]+")


def split_questions(text: str) -> list[str]:
    """The questions of a message, in order: split after each question mark; a short part
    (你好？, 多少？) stays with its neighbour."""
    if len(text) > MAX_CHARS:
        return [text]
    parts = [p for p in _END.split(text) if p.strip()]
    out: list[str] = []
    for part in parts:
        if out and (len(_PUNCT.sub("", part)) < MIN_CHARS or _YES_NO.search(part) or _YES_NO.search(out[-1])):
            out[-1] += part  # 多少亿？ after its question, or a yes/no question with it
        elif out and len(_PUNCT.sub("", out[-1])) < MIN_CHARS:
            out[-1] += part  # 请问？ before it
        else:
            out.append(part)
    if len(out) > MAX_QUESTIONS:
        out = out[: MAX_QUESTIONS - 1] + ["".join(out[MAX_QUESTIONS - 1:])]
    return [p.strip() for p in out]


#: a later question of a message this short (characters other than punctuation) names no
#: subject of its own (富力大厦在哪里？一共有几套房？): it asks of the earlier one's
ELLIPTICAL_CHARS = 8


def elliptical(question: str) -> bool:
    return len(_PUNCT.sub("", question)) <= ELLIPTICAL_CHARS


#: a sentence of an answer with the closing quotation marks and citation markers after it
_SENTENCE = re.compile(rf"[^。！？]+(?:[。！？]+{SENTENCE_TAIL}|$)")


def _new_sentences(text: str, told: set[str]) -> str:
    """``text`` without the sentences an earlier part of the answer said (the second question
    of a message is read with the first, and its passage may open with the first's answer). A
    marker cites the sentences before it back to the previous marker: one on a sentence left
    out moves to the sentence kept before it when that has none of its own."""
    if not told:
        return text
    kept: list[str] = []
    for sentence in _SENTENCE.findall(text):
        if not sentence.strip():
            continue
        if not said(sentence) <= told:
            kept.append(sentence)
        elif kept and (markers := "".join(m.group(0) for m in MARKER.finditer(sentence))) and not MARKER.search(kept[-1]):
            last = kept[-1]
            kept[-1] = last + markers if last.endswith(("”", "’", "」", "』")) else re.sub(r"(?=[。！？]*$)", markers, last, count=1)
    return "".join(kept) or text


def said(text: str) -> set[str]:
    """The sentences an answer says: without markers or the section name that leads one (生态安全：…)."""
    plain = MARKER.sub("", text)
    return {re.sub(r"^[^：，。]{1,24}：", "", p).strip() for p in re.split(r"(?<=[。！？])", plain) if p.strip()}


def ask_each(ask: Callable[..., Answer], question: str, parts: Sequence[str], history: Sequence[str], mode: str | None, unanswered: str) -> Answer:
    """Each question of a message answered by ``ask`` (a follow-up with the earlier ones as its
    conversation), the answers joined by :func:`join_answers`."""
    answers = [ask(q, [*history, *parts[:i]] if i and (leans_on_earlier(q) or elliptical(q)) else list(history), mode)
               for i, q in enumerate(parts)]
    return join_answers(question, answers, unanswered)


def join_answers(question: str, answers: Sequence[Answer], unanswered: str = "") -> Answer:
    """One answer for the message: the answered parts in order (a refused one only when all
    are refused: then the first refusal), then ``unanswered`` when some part was refused, so
    that half an answer does not read as a whole one (it names no part: a part may hold
    figures or personal data, and this sentence cites nothing). A part that says only what
    an earlier one said is left out, and a sentence of a later part that an earlier one said;
    a passage cited by several parts keeps one number."""
    answered: list[tuple[Answer, set[str]]] = []  # each answered part, and what it said
    earlier: set[str] = set()  # what the answered parts said
    for a in answers:
        if a.refused:
            continue
        says = said(a.text)
        if answered and says <= earlier:
            continue  # it says only what an earlier part said
        answered.append((a, says))
        earlier |= says
    if not answered:
        return replace(answers[0], question=question)
    texts: list[str] = []
    citations: list[Citation] = []
    told: set[str] = set()  # what the parts joined so far said
    for answer, says in answered:
        text = _new_sentences(answer.text, told)
        told |= says
        number: dict[int, int] = {}
        for c in answer.citations:
            if text != answer.text and f"[{c.n}]" not in text:
                continue  # cited only by a sentence an earlier part said
            same = next((d.n for d in citations if d.chunk_id == c.chunk_id), None)
            if same is None:
                citations.append(replace(c, n=len(citations) + 1))
                same = len(citations)
            number[c.n] = same
        texts.append(MARKER.sub(lambda m: f"[{number.get(int(m.group(1)), int(m.group(1)))}]", text))
    if unanswered and any(a.refused for a in answers):
        texts.append(unanswered)
    total = {k: sum(a.timings_ms.get(k, 0.0) for a in answers) for k in answers[0].timings_ms}
    return replace(
        answered[0][0], question=question, text="".join(texts), citations=tuple(citations),
        retrieved=tuple(r for a, _ in answered for r in a.retrieved), timings_ms=total,
    )


__all__ = ["MAX_QUESTIONS", "ask_each", "join_answers", "split_questions"]
