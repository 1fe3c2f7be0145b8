"""A sentence that opens a list (出现下列情况之一的：, 应当符合以下条件：) answers nothing by itself:
it goes on with the list's items, in its passage and in the chunk that continues its section."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from ..types import RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .enumerations import starts_item
from .scoring import end, sentences
from .understanding import Intent

#: a sentence that opens a list: it ends with a colon, or its first item follows the colon
OPENS_LIST = re.compile(r"[：:]\s*(?:$|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、]|[①-⑳]|一是)")
#: a later item of a list opened by 一是 (the markers of the others are :func:`.enumerations.starts_item`)
LATER_SHI = re.compile(r"^\s*[二三四五六七八九十]是")
#: a list quoted after its opening sentence stops before this many characters
LIST_BUDGET = 320


def listed(c: Composer, passages: tuple[RetrievedChunk, ...], pos: int, s: str, text: str) -> Draft | None:
    """An answering sentence that opens a list (出现下列情况之一的：（一）…；) goes on with the
    list's items, in its passage and in the chunk that continues its section, within
    :data:`LIST_BUDGET` characters; None when the sentence opens no list."""
    if not OPENS_LIST.search(s):
        return None
    chunk = passages[pos].chunk
    own = sentences(chunk.text)
    rest = own[own.index(s) + 1 :] if s in own else []
    items = [(chunk, x) for x in itertools.takewhile(_is_item, rest)]
    following = c.vocab.following.get(chunk.id)
    if len(items) == len(rest) and following is not None:  # the list runs on into the next chunk
        items += [(following, x) for x in itertools.takewhile(_is_item, sentences(following.text))]
    taken, length = [], len(text)
    for where, item in items:
        if length + len(item) > LIST_BUDGET:
            break
        taken.append((where, item))
        length += len(item)
    if not taken:
        return None
    draft = _joined(text, pos, [x for where, x in taken if where is chunk])
    more = [x for where, x in taken if where is not chunk]
    if not more:
        return Draft(draft, passages, Intent.GENERAL)
    allp, number = with_chunks(passages, [following])  # type: ignore[list-item]
    return Draft(f"{draft}{'；'.join(end(m) for m in more)}[{number[following.id]}]。", allp, Intent.GENERAL)  # type: ignore[union-attr]


def _is_item(sentence: str) -> bool:
    """Does a sentence start with a list marker ((二), 2., ②) or 二是 …?"""
    return starts_item(sentence) or LATER_SHI.match(sentence) is not None


def _joined(text: str, pos: int, added: Sequence[str]) -> str:
    """``text`` (ending in ``[pos + 1]。``) with ``added`` before its marker."""
    marker = f"[{pos + 1}]。"
    if not added:
        return text
    opener = end(text[: -len(marker)])
    return opener + ("" if opener.endswith(("：", ":")) else "；") + "；".join(end(a) for a in added) + marker


__all__ = ["LIST_BUDGET", "OPENS_LIST", "listed"]
