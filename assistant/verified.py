"""Verified LLM answers: the model's stream cut into sentences, each checked against the
numbered passages (figures verified, figures cited) before it is shown."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from .citations import MARKER, renumber, verify
from .errors import LLMError
from .types import RetrievedChunk

_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.S)


def strip_tags(text: str) -> str:
    """Answers carry no markup, whatever the input, the documents or the LLM contained."""
    return _TAG.sub("", text).replace("<", "＜").replace(">", "＞")


def numbered(passages: Sequence[RetrievedChunk]) -> dict[int, str]:
    """Passage texts by the 1-based position that a draft's [k] markers refer to."""
    return {k: r.chunk.text for k, r in enumerate(passages, start=1)}


def verified_stream(  # type: ignore[no-untyped-def]
    llm, query: str, passages: Sequence[RetrievedChunk], history: Sequence[str]
) -> Iterator[tuple[str, str] | None]:
    """The LLM's answer so far, growing one verified sentence at a time, as (text to
    show, renumbered; raw text with the passages' own markers). Numbering by first use
    is stable on a prefix. Yields None when the model declines; raises LLMError when a
    sentence fails the checks."""
    from .llm import REFUSAL_SENTINEL  # the LLM client (openai, langchain_openai) only in llm mode

    local = numbered(passages)
    buffer, raw = "", ""
    for delta in llm.stream(query, passages, history):
        buffer += delta
        if REFUSAL_SENTINEL in buffer:
            yield None
            return
        while m := re.search(r"[。！？](?:\[\d+\])*", buffer):
            sentence, buffer = buffer[: m.end()], buffer[m.end():]
            raw += checked(sentence, local)
            yield strip_tags(renumber(raw, passages)[0]), raw
    if buffer.strip():
        raw += checked(buffer, local)
        yield strip_tags(renumber(raw, passages)[0]), raw


def checked(sentence: str, local: dict[int, str]) -> str:
    """The sentence, when its figures stand in the passages it cites and it cites them."""
    check = verify(sentence, local)
    if not check.ok:
        raise LLMError(f"大模型回答未通过核验（LLM answer failed verification: {check.problem}）。")
    if re.search(r"\d", MARKER.sub("", sentence)) and not MARKER.search(sentence):
        raise LLMError("大模型回答中的数字缺少引用（figures without a citation）。")
    return sentence
