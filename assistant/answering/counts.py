"""A list question that names how many there are (这25项指标具体是哪些, 其余11个项目分别是什么):
a drafted answer that states that very count (共25项, 涉及14个项目) but lists fewer items does
not answer it; the documents say how many there are, not which. Nothing here knows a document."""

from __future__ import annotations

import re

from ..citations import MARKER
from ..text import cn_number

#: a count with its measure word and what it counts, asked to be named: 25项建设指标具体是哪些,
#: 这5类补贴分别是什么 (not 25项指标是从哪五大方面设置的, which asks for other things)
_COUNTED = re.compile(
    r"(?<![\d.第哪])([\d一二两三四五六七八九十]{1,3})(项|个|条|类|种|家|所|名|处|座|批|件)([\u4e00-\u9fff“”\"]{0,10}?)"
    r"(?:具体|分别|都|各|到底)*(?:是|有|包括|包含|叫)(?:哪些|哪几|什么|啥)"
)
#: what separates the items of a list in a sentence, and what numbers them
_SEPARATORS = re.compile(r"[、；;]")
_NUMBERED = re.compile(r"(?:^|[\s。；;：:])(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}是)")
#: the fewest a count must be for its list to be asked: 两个 and 三个 are listed in passing
SMALLEST = 3


def listed_items(text: str) -> int:
    """How many items ``text`` lists at most: the most separated by 、 or ； in one sentence
    (A、B、C等 is three), or the items numbered in it."""
    bare = MARKER.sub("", text)
    in_sentence = max((len(_SEPARATORS.split(s)) for s in re.split(r"[。！？\n]", bare) if s.strip()), default=0)
    return max(in_sentence, len(_NUMBERED.findall(bare)))


def unlisted_count(question: str, text: str) -> str | None:
    """The counted things (25项建设指标) a list question asks to be named when the drafted
    ``text`` states their count but lists fewer of them; None when it lists them, states
    another count, or the question asks for no list."""
    for m in _COUNTED.finditer(question):
        n = cn_number(m.group(1))
        if n is None or n < SMALLEST:
            continue
        stated = re.search(rf"(?<![\d.]){n}{m.group(2)}|(?<![一二两三四五六七八九十]){re.escape(m.group(1))}{m.group(2)}", MARKER.sub("", text))
        if stated is not None and listed_items(text) < n:
            return f"{m.group(1)}{m.group(2)}{m.group(3)}"
    return None


__all__ = ["listed_items", "unlisted_count"]
