"""A sentence that opens a list (出现下列情况之一的：, 应当符合以下条件：) answers nothing by itself:
it goes on with the list's items, in its passage and in the chunk that continues its section."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import is_row
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .enumerations import marker_in_run, run_markers, starts_item
from .scoring import clauses, end, sentences
from .understanding import Intent, count_word
from .vocabulary import leaf

#: a sentence that opens a list: it ends with a colon, or its first item follows the colon
OPENS_LIST = re.compile(r"[：:]\s*(?:$|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、]|[①-⑳]|一是)")
#: a sentence that only opens a list (保障性住房来源包括：), and the words that open it
BARE_OPENER = re.compile(r"[：:]\s*$")
_OPENING_WORDS = re.compile(r"(?:应当|须|需)?(?:包括|包含|主要有|有|分为|分成|如下|为|是)?(?:以下|下列)?(?:[几\d一二两三四五六七八九十]+[类种项条个])?(?:内容|情形|情况)?[：:]\s*$")
#: a later item of a list opened by 一是 (the markers of the others are :func:`.enumerations.starts_item`)
LATER_SHI = re.compile(r"^\s*[二三四五六七八九十]是")
#: a list quoted after its opening sentence stops before this many characters
LIST_BUDGET = 320
#: the opening sentence of a list longer than this is not quoted before one of its items
OPENER_BUDGET = 160
#: … or shorter than this (答：, 条件：): it says nothing the item's section does not
OPENER_WORDS = 8
#: the chunks a list opened by 一是 is looked for in: its own and those that continue its section
SHI_CHUNKS = 8
#: an item of such a list longer than this is quoted by its first clause
SHI_ITEM = 40
_CN = "一二三四五六七八九十"


def listed(c: Composer, passages: tuple[RetrievedChunk, ...], pos: int, s: str, text: str) -> Draft | None:
    """An answering sentence that opens a list (出现下列情况之一的：（一）…；) goes on with the
    list's items, in its passage and in the chunks that continue its section, within
    :data:`LIST_BUDGET` characters; None when the sentence opens no list."""
    if not OPENS_LIST.search(s):
        return None
    chunk = passages[pos].chunk
    own = sentences(chunk.text)
    rest = own[own.index(s) + 1 :] if s in own else []
    following = c.vocab.following.get(chunk.id)
    if rest and rest[0].lstrip().startswith("一是"):
        items = _shi_run(c, chunk, rest)
    elif not rest and following is not None and following.text.lstrip().startswith("一是"):  # the list is the next chunk's
        items = _shi_run(c, following, sentences(following.text))
    else:
        items = run_on(c, chunk, *items_after(chunk.text, s))
    taken = _within_budget(items, len(text))
    if not taken:
        return None
    draft = _joined(text, pos, [x for where, x in taken if where is chunk])
    allp, later = _cited(passages, [(where, x) for where, x in taken if where is not chunk])
    return Draft(draft + later, allp, Intent.GENERAL)


def continued(c: Composer, passages: tuple[RetrievedChunk, ...], pos: int) -> tuple[tuple[RetrievedChunk, ...], str] | None:
    """The items that go on with a list the passage at ``pos`` ends in (…以下情形之一的：
    （一）…；1. …；2. … cut after its second item): those of the chunk that continues its
    section numbered on in the same way (3., 4. …, not the （二） after them), on through the
    chunks after it, within :data:`LIST_BUDGET` characters, with their marker; and the
    passages that cite them. A passage that ends with the sentence opening its list goes on
    with all the items of the chunks after it, numbered from 1 or a 一是 run. None when the
    passage does not end inside a list or nothing continues it."""
    chunk = passages[pos].chunk
    opener = next((s for s in sentences(chunk.text) if OPENS_LIST.search(s) and not is_row(s)), None)
    following = c.vocab.following.get(chunk.id)
    if opener is None or following is None:
        return None
    found, to_end = items_after(chunk.text, opener)
    later = run_on(c, chunk, found, to_end)[len(found):]  # the items of the chunks after it, ``following``'s first
    if found or not to_end:
        last = run_markers(found)[-1] if found and to_end else None
    else:  # the passage ends with the sentence that opens the list: all its items follow, from 1 or 一是
        first = marker_in_run(later[0][1], 1) if later else None
        last = (first[0], 0, "") if first is not None and first[1] == 1 else None
        if last is None:
            taken = _within_budget(_shi_run(c, following, sentences(following.text)), len(chunk.text))
            return _cited(passages, taken) if taken else None
    if last is None:
        return None
    numbered_on: list[tuple[Chunk, str]] = []
    for where, item in later:  # 3., 4. … after 2.: the same family, numbered on
        marker = marker_in_run(item, last[1] + len(numbered_on) + 1)
        if marker is None or marker[:2] != (last[0], last[1] + len(numbered_on) + 1):
            break
        numbered_on.append((where, item))
    taken = _within_budget(numbered_on, len(chunk.text))
    return _cited(passages, taken) if taken else None


def run_on(c: Composer, chunk: Chunk, items: Sequence[str], to_end: bool) -> list[tuple[Chunk, str]]:
    """The ``items`` of a list in ``chunk`` and, while the list runs on to a chunk's end, those
    that go on with it in the chunks that continue its section, each with its chunk."""
    taken = [(chunk, x) for x in items]
    where: Chunk | None = chunk
    while to_end and (where := c.vocab.following.get(where.id)) is not None:  # type: ignore[union-attr]
        more, to_end = items_after(where.text, expected=next_number([x for _, x in taken]))
        taken += [(where, x) for x in more]
    return taken


def next_number(items: Sequence[str]) -> int:
    """The number of the item that would go on with a list run (1 after none)."""
    last = next((m for m in reversed(run_markers(items)) if m is not None), None)
    return 1 if last is None else last[1] + 1


def _within_budget(items: Sequence[tuple[Chunk, str]], length: int) -> list[tuple[Chunk, str]]:
    """The first ``items`` (chunk, item) that a quotation already ``length`` characters long
    can take within :data:`LIST_BUDGET` characters."""
    taken: list[tuple[Chunk, str]] = []
    for where, item in items:
        if length + len(item) > LIST_BUDGET:
            break
        taken.append((where, item))
        length += len(item)
    return taken


def _cited(passages: tuple[RetrievedChunk, ...], items: Sequence[tuple[Chunk, str]]) -> tuple[tuple[RetrievedChunk, ...], str]:
    """Items of chunks after the answering one, each chunk's joined by ；with its marker, and
    the passages that cite them (those chunks added when they were not retrieved)."""
    later = list(dict.fromkeys(where for where, _ in items))
    allp, number = with_chunks(passages, later)
    return allp, "".join("；".join(end(x) for w, x in items if w is where) + f"[{number[where.id]}]。" for where in later)


def opener_of(c: Composer, chunk: Chunk, s: str) -> tuple[str, Chunk] | None:
    """The sentence that opens the list ``s`` is an item of, when ``s`` is one
    (有下列情形之一的，…追究行政责任： before （七）挪用…资金的), up to its colon, and the chunk
    it stands in (``chunk``, or one before it in its section when a long list was cut): what
    the item is a case of, which the item alone does not say. None when ``s`` is no item or
    opens a list itself, no sentence before it in its section opens a list, or the opener is
    shorter than :data:`OPENER_WORDS` or longer than :data:`OPENER_BUDGET`; a table row opens
    nothing."""
    own = sentences(chunk.text)
    if s not in own or not _is_item(s) or is_row(s) or OPENS_LIST.search(s):
        return None  # an item that opens a list of its own says what its items are cases of
    section = c.vocab.section_chunks(chunk)
    at = next((k for k, x in enumerate(section) if x.id == chunk.id), 0)
    earlier = [(chunk, own[: own.index(s)])] + [(x, sentences(x.text)) for x in reversed(section[:at])]
    for where, before_s in earlier:
        for before in reversed(before_s):
            if (m := OPENS_LIST.search(before)) and not is_row(before):
                # its line up to its colon: the whole opening (…行政责任；构成犯罪的，…：), not the first item after it
                line = next((x for x in where.text.split("\n") if before in x), before)
                opener = line[: line.index(before) + m.start() + 1].strip()
                return (opener, where) if OPENER_WORDS <= len(opener) <= OPENER_BUDGET else None
            if not _is_item(before) and where is not chunk:
                return None  # a chunk before this one ends in something that is no item of a list
    return None


def items_after(text: str, opener: str | None = None, expected: int = 1) -> tuple[list[str], bool]:
    """The items of the list that ``opener`` (a sentence of ``text``) opens, or with no
    opener those ``text`` starts with: the item sentences that follow it on its own line,
    then those each following line starts with, until a line that starts with no list
    marker. A sentence after an item on its line that is no item (（二）具有…人员。其中，…)
    goes on with that item and is passed over. Also returns whether the list ran on to the
    end of ``text``. ``expected`` is the number the run goes on with (a chunk that continues
    a list cut after its third item starts with 4.): 2.2024年9月底前 is its item, not a decimal."""
    lines = [line for line in text.split("\n") if line.strip()]
    start = 0
    items: list[str] = []

    def run_of(own: Sequence[str]) -> list[str]:
        nonlocal expected
        run: list[str] = []
        for s in own:
            found = marker_in_run(s, expected)
            if found is None and not _is_item(s):
                break
            expected = found[1] + 1 if found is not None else expected
            run.append(s)
        return run

    if opener is not None:
        at = next((k for k, line in enumerate(lines) if opener in sentences(line)), None)
        if at is None:
            return [], False
        own = sentences(lines[at])
        after = own[own.index(opener) + 1 :]
        items = run_of(after)
        if len(items) < len(after):  # the line goes on with something that is no item
            return items, False
        start = at + 1
    for line in lines[start:]:
        run = run_of(sentences(line))  # ②…；③…；④… on one line: each
        if not run:
            return items, False
        items += run
    return items, True


def _shi_run(c: Composer, chunk: Chunk, rest: Sequence[str]) -> list[tuple[Chunk, str]]:
    """The items of a list opened by 一是, each the first sentence of its paragraph (一是加快构建
    现代农业产业体系。巩固提升……。二是……): 一是, 二是 … in order, the sentences between them
    passed over, in the passage and the chunks that continue its section, at most
    :data:`SHI_CHUNKS` chunks. An item longer than :data:`SHI_ITEM` characters is its first
    clause, which names it (五是加强…产业园建设，建设…，深化…)."""
    found: list[tuple[Chunk, str]] = []
    where: Chunk | None = chunk
    texts: Sequence[str] = rest
    for _ in range(SHI_CHUNKS):
        for sentence in texts:
            if len(found) < len(_CN) and sentence.lstrip().startswith(f"{_CN[len(found)]}是"):
                gist = sentence if len(sentence) <= SHI_ITEM else clauses(sentence)[0]
                found.append((where, gist))  # type: ignore[arg-type]
        where = c.vocab.following.get(where.id)  # type: ignore[union-attr]
        if where is None:
            break
        texts = sentences(where.text)
    return found


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


def bare_opener(c: Composer, question: str, rc: RetrievedChunk) -> str | None:
    """The first sentence of ``rc`` that only opens a list (…按以下方法确定：) and shares a word
    with the question, or None."""
    q = c.scorer.qtokens(question)
    return next((s for s in sentences(rc.chunk.text) if BARE_OPENER.search(s) and c.scorer.overlap(q, s) > 0), None)


#: a count of kinds (几类, 多少种, 几项, 几条): of a list's items; not 几个工作日, a figure
_KINDS_COUNTED = re.compile(r"(?:几|多少)(?:种|类|项|条)")


def counted_items(c: Composer, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
    """“…一共有几种？” over a sentence of the first passage that opens a list on the lines
    after it (保障性住房来源包括：), whose words the question shares: its items counted, on into
    the chunks that continue its section, when they are numbered 1, 2, 3 … in one family
    without a gap; each item's first words with its marker, as the verification checks
    (共12条：政府投资兴建的住房[1]、…[2]). None otherwise."""
    rc = passages[0]
    opener = bare_opener(c, question, rc)
    if opener is None:
        return None
    return _count(c, question, passages, _OPENING_WORDS.sub("", opener).strip(), run_on(c, rc.chunk, *items_after(rc.chunk.text, opener)))


def counted_section(c: Composer, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
    """“报名条件一共列了几条？” over the section the question names, when its every paragraph is
    an item of one run numbered 1, 2, 3 … and no sentence opens the list (its heading does):
    the items counted and cited as :func:`counted_items` counts a list after its opener."""
    named = [p.chunk for p in passages[:3] if len(leaf(p.chunk)) >= 2 and leaf(p.chunk) in question] if _KINDS_COUNTED.search(question) else []
    if not named:
        return None
    lines = [(ch, ln.strip()) for ch in c.vocab.section_chunks(named[0]) for ln in ch.text.split("\n") if ln.strip()]
    if not lines or not starts_item(lines[0][1]):
        return None
    # a paragraph without a marker goes on with the item before it
    return _count(c, question, passages, leaf(named[0]), [(ch, ln) for ch, ln in lines if starts_item(ln)])


def _count(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], name: str, taken: list[tuple[Chunk, str]]) -> Draft | None:
    """The items ``taken`` (chunk, item) counted under ``name``, when they are numbered 1, 2, 3 …
    in one family without a gap; each item's first words with its marker, as the verification
    checks (共12条：政府投资兴建的住房[1]、…[2]). None otherwise."""
    marks = run_markers([x for _, x in taken])
    if len(taken) < 2 or any(m is None or m[0] != marks[0][0] or m[1] != k + 1 for k, m in enumerate(marks)):  # type: ignore[index]
        return None
    heads = [re.split(r"[，,、：:；;。]", m[2], maxsplit=1)[0].strip() for m in marks]  # type: ignore[index]
    if not name or not all(heads) or re.search(r"\d", name):
        return None
    allp, number = with_chunks(passages, list(dict.fromkeys(where for where, _ in taken)))
    items = "、".join(f"{h}[{number[where.id]}]" for h, (where, _) in zip(heads, taken))
    return Draft(f"{c.say('items_count', name=name, count=len(heads), measure=count_word(question), items=items)}。", allp, Intent.FIGURE)


__all__ = ["BARE_OPENER", "LIST_BUDGET", "OPENS_LIST", "bare_opener", "counted_items", "counted_section", "items_after", "listed", "opener_of"]
