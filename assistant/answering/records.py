"""A document's record of its adoption (2017年8月25日 …常务委员会第三次会议通过, （…国务院令第746号
公布）): it answers when, and by whom, the document was adopted, approved or revised, and
nothing else. A question that asks none of that is answered from the passages without it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..lexicon import pattern
from ..types import RetrievedChunk

#: the record (data/patterns.yaml adoption_record) and a question that asks about it (ask_adoption)
RECORD, ASKS_ADOPTION = pattern("adoption_record"), pattern("ask_adoption")
#: what a removed record leaves at the start of a passage
_LEFT = " \t\n。；;，,"


def without_records(question: str, passages: Sequence[RetrievedChunk]) -> tuple[RetrievedChunk, ...]:
    """``passages`` with the records of adoption taken out of their text, and those that held
    nothing else left out, unless ``question`` asks how the document was adopted (or nothing
    else is left)."""
    if ASKS_ADOPTION.search(question):
        return tuple(passages)
    kept: list[RetrievedChunk] = []
    for rc in passages:
        text = RECORD.sub("", rc.chunk.text)
        if text == rc.chunk.text:
            kept.append(rc)
        elif text := re.sub(r"\n{2,}", "\n", text).lstrip(_LEFT).rstrip():
            kept.append(replace(rc, chunk=replace(rc.chunk, text=text)))
    return tuple(kept) or tuple(passages)
