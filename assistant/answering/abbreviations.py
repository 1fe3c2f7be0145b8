"""Shortened words. Chinese shortens a term by keeping some of its characters in order: a
citizen writes 优待证 for the document's 优待凭证, 奖金 for 奖励资金, 专业队伍 for 专业人才队伍.
A word of a question that the documents never write is read as the document's word it
shortens, when

1. the document word starts with its first character and ends with its last, holds its
   characters in order with at most :data:`MOST_LEFT_OUT` left out between two of them, and
   is whole words of the document (公共交 of 公共交通 is none: it stops inside a word), and
2. the embedding model finds the two close: cosine at least :data:`SHORTENS`. The form alone
   cannot tell 奖金 (奖励资金, 0.92) from 利率 (利用效率, 0.85) or 创业 (创新农业, 0.88).

The question is then asked again with the document's words in their places, when every
unknown word of it shortens one; nothing else about it changes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

#: at most this many characters of the document word are left out between two kept ones
MOST_LEFT_OUT = 2
#: a document word is at most this many characters longer than the word shortening it
MOST_LONGER = 3
#: a document word is at most this many words of the document run together
MOST_WORDS = 3
#: cosine (query embeddings) from which a longer form counts as the same word. Fitted
#: 2026-12-04 on the unknown words of the development refusals whose longer forms pass the
#: form test: true shortenings 0.924–0.984 (奖金/奖励资金, 优待证/优待凭证, 本细则/本实施细则),
#: other words 0.852 (利率/利用效率) and 0.881 (创业/创新农业)
SHORTENS = 0.90

_CJK = re.compile(r"[\u4e00-\u9fff]+")
#: characters that join words rather than belong to one (人的家 is no word)
_JOINING = re.compile(r"[的和与及或等之]")


def document_words(words: Iterable[str]) -> frozenset[str]:
    """The words a document is cut into (in order), and runs of up to :data:`MOST_WORDS`
    of them: the whole words a shortened one may stand for (奖励资金 from 奖励 + 资金)."""
    cut = list(words)
    out: set[str] = set()
    for i in range(len(cut)):
        for n in range(1, MOST_WORDS + 1):
            run = "".join(cut[i : i + n])
            if len(run) >= 3 and _CJK.fullmatch(run) and not _JOINING.search(run):
                out.add(run)
    return frozenset(out)


def longer_forms(word: str, words: frozenset[str]) -> list[str]:
    """The document words ``word`` may shorten, by form alone (see the module)."""
    if not 2 <= len(word) <= 4 or not _CJK.fullmatch(word):
        return []
    gap = f"[\u4e00-\u9fff]{{0,{MOST_LEFT_OUT}}}"
    shape = re.compile(re.escape(word[0]) + "".join(gap + re.escape(ch) for ch in word[1:]))
    return sorted(w for w in words if len(word) < len(w) <= len(word) + MOST_LONGER and shape.fullmatch(w))


def lengthened(
    question: str, unknown: Sequence[str], words: frozenset[str],
    embed: Callable[[list[str]], Sequence[Sequence[float]]], least: float = SHORTENS,
) -> str:
    """``question`` with each ``unknown`` word replaced by the document word it shortens (the
    closest, at cosine ``least`` or more); unchanged unless every one of them shortens one:
    a word left unknown still refuses the question, and asking it again would only let the
    others pass (优待证 … 几多个工作日: the days are what the documents do not say)."""
    forms = {word: longer_forms(word, words) if word in question else [] for word in unknown}
    if not forms or not all(forms.values()):
        return question
    texts = [t for word, longer in forms.items() for t in (word, *longer)]
    vectors = dict(zip(texts, np.asarray(embed(texts), dtype=np.float32)))  # one call for every word
    fuller = question
    for word, longer in forms.items():
        cosines = [float(vectors[form] @ vectors[word]) for form in longer]
        best = int(np.argmax(cosines))
        if cosines[best] < least:
            return question
        fuller = fuller.replace(word, longer[best])
    return fuller


__all__ = ["MOST_LEFT_OUT", "SHORTENS", "document_words", "lengthened", "longer_forms"]
