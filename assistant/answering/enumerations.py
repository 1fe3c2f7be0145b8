"""Lists written inside a paragraph: “需要具备以下条件：（一）……；（二）……；（三）……。”,
“①获得核定积分。……②提交申请。……”. Found from the markers themselves — a run numbered
from one without a gap — so a list question gets every item and a count question the
number of items, whatever the document."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..types import RetrievedChunk
from .compose import Composer, Draft
from .understanding import Intent, count_word
from .vocabulary import leaf

_CN = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
#: the single characters that stand for (一)…(十) and (1)…(20)
_PARENTHESIZED = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩", "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"


def numeral_value(text: str) -> int:
    """一 → 1 … 十 → 10, 十一 → 11 … 二十 → 20 (what list markers use)."""
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN.index(text[1]) + 1
    if text.endswith("十"):
        return (_CN.index(text[0]) + 1) * 10
    if "十" in text:
        tens, ones = text.split("十")
        return (_CN.index(tens) + 1) * 10 + _CN.index(ones) + 1
    return _CN.index(text) + 1


def _one_character(chars: str) -> tuple[re.Pattern[str], object]:
    """A family of markers that are one character each (①②③, ㈠㈡㈢), numbered in their order."""
    return re.compile(f"([{chars}])"), lambda c: chars.index(c) + 1


#: the marker families, each with how its number is read
_FAMILIES: tuple[tuple[re.Pattern[str], object], ...] = (
    (re.compile(rf"[（(]([{_CN}]{{1,3}})[）)]"), numeral_value),
    (re.compile(r"[（(](\d{1,2})[）)]"), int),
    *(_one_character(chars) for chars in (_CIRCLED, *_PARENTHESIZED)),
    (re.compile(r"(?:^|(?<=[：:；;。\s]))(\d{1,2})[.．、](?!\d)"), int),
)
#: the family of the markers 1. 2. 3.
_DOTTED = len(_FAMILIES) - 1
#: items a paragraph opens with 一是, 二是 … at the start of a sentence (信息报送的原则：一是及时报送。…二是…),
#: read within one paragraph only: a line starting 一是 is no list marker of its own
_SHI = (re.compile(rf"(?:^|(?<=[。；;：:]))([{_CN}]{{1,2}})是"), numeral_value)


def starts_item(text: str) -> bool:
    """Does ``text`` start with a list marker of one of the families ((二), (2), ②, 2.)?"""
    head = text.lstrip()
    return any(marker.match(head) for marker, _ in _FAMILIES)


def marker_of(text: str) -> tuple[int, int, str] | None:
    """(family, number, text after the marker) of the list marker ``text`` starts with:
    （二）工作 → (0, 2, 工作), 3. 资金 → (3, 3, 资金); None without one."""
    head = text.lstrip()
    for family, (marker, value) in enumerate(_FAMILIES):
        m = marker.match(head)
        if m:
            return family, value(m.group(1)), head[m.end():].strip()  # type: ignore[operator]
    return None


def marker_in_run(text: str, expected: int) -> tuple[int, int, str] | None:
    """:func:`marker_of`, or the marker a number follows (1.3人户家庭, 2.2024年9月底前) when it
    is the number a list run expects next: read alone, 1.3 is a decimal."""
    found = marker_of(text)
    if found is not None:
        return found
    head = text.lstrip()
    for dot in ".．":
        marker = f"{expected}{dot}"
        if head.startswith(marker) and head[len(marker) : len(marker) + 1].isdigit():
            return _DOTTED, expected, head[len(marker) :].strip()
    return None


def run_markers(items: Sequence[str]) -> list[tuple[int, int, str] | None]:
    """The marker of each item of a list run, read in order (see :func:`marker_in_run`)."""
    out: list[tuple[int, int, str] | None] = []
    expected = 1
    for item in items:
        found = marker_in_run(item, expected)
        out.append(found)
        if found is not None:
            expected = found[1] + 1
    return out


def numbered_run(lines: Sequence[str], accept: Callable[[str], bool] = bool) -> list[int]:
    """Positions in ``lines`` of the first run of lines that start with markers of one family
    numbered 1, 2, 3 … (the run may skip other lines), counting only lines whose text after
    the marker ``accept`` takes (by default, any text at all)."""
    found: list[int] = []
    family = None
    for i, line in enumerate(lines):
        m = marker_of(line)
        if m is None or not accept(m[2]):
            continue
        if family is None and m[1] == 1:
            family, found = m[0], [i]
        elif family == m[0] and m[1] == len(found) + 1:
            found.append(i)
    return found


@dataclass(frozen=True)
class Enumeration:
    lead: str  # the text before the first marker (需要具备以下基本条件：)
    items: tuple[str, ...]  # each item's text, without its marker and closing punctuation

    @property
    def heads(self) -> tuple[str, ...]:
        """Each item's first sentence (获得核定积分, not what follows it)."""
        return tuple(re.split(r"[。；;]", item, maxsplit=1)[0].strip() for item in self.items)


def enumeration(text: str, least: int = 2) -> Enumeration | None:
    """The first run of at least ``least`` markers of one family numbered 1, 2, 3 … within
    one paragraph of ``text``; the last item ends with its sentence."""
    for paragraph in (p for p in text.split("\n") if p.strip()):
        best: list[re.Match[str]] = []
        for marker, value in (*_FAMILIES, _SHI):
            run: list[re.Match[str]] = []
            for m in marker.finditer(paragraph):
                n = value(m.group(1))  # type: ignore[operator]
                if n == len(run) + 1:
                    run.append(m)
                elif n == 1 and len(run) < least:
                    run = [m]  # a new list starts; an earlier stray “1.” is not one
            if len(run) >= least and (not best or run[0].start() < best[0].start()):
                best = run
        if best:
            ends = [m.start() for m in best[1:]]
            last = paragraph[best[-1].end():]
            stop = re.search(r"。", last)
            ends.append(best[-1].end() + (stop.end() if stop else len(last)))
            items = tuple(paragraph[m.end():e].strip().rstrip("；;。，,").strip() for m, e in zip(best, ends))
            if all(items):
                return Enumeration(paragraph[: best[0].start()].strip(), items)
    return None


def enumerated(c: Composer, question: str, rc: RetrievedChunk, count: bool) -> Draft | None:
    """The items of the list inside ``rc``'s passage (marker [1]), when the question shares a
    word with the passage's section or the words before the list; with ``count``, counted
    in the form the verification checks (共N条：item[1]、item[1]…)."""
    found = enumeration(rc.chunk.text)
    if found is None or not c.scorer.overlap(c.scorer.qtokens(question), f"{rc.chunk.section} {found.lead}"):
        return None
    name = leaf(rc.chunk) or rc.chunk.section
    if re.search(r"\d", name):  # a heading with a year or a number the passage may not state
        name = re.split(r"[：:，,。]", found.lead.rstrip("：: "))[-1].strip()
    if not name or re.search(r"\d", name):
        return None
    if not count:
        return Draft(f"{c.say('items_list', name=name, items='；'.join(found.heads))}[1]。", (rc,), Intent.LIST)
    heads = [re.split(r"[，,、：:]", h, maxsplit=1)[0].strip() for h in found.heads]
    if not all(heads):
        return None
    items = "、".join(f"{h}[1]" for h in heads)
    return Draft(f"{c.say('items_count', name=name, count=len(heads), measure=count_word(question), items=items)}。", (rc,), Intent.FIGURE)


__all__ = ["Enumeration", "enumerated", "enumeration", "marker_of", "numbered_run", "numeral_value", "starts_item"]
