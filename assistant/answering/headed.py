"""Lists written one paragraph per item: a short numbered line heads each item and its text
follows in paragraphs of its own (“1. 自愿报名” / “参与企业自愿申报；……” / “2. 平台运作” …),
often across several chunks of one section. A list question gets the heads, each cited;
a question naming one head gets the numbered sub-items under it ((1) 闭环管理: …)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .enumerations import marker_of, numbered_run
from .understanding import Intent
from .vocabulary import leaf

#: a numbered paragraph at most this long (after its marker), ending without a stop, heads an item
HEAD_LINE = 20
#: a sub-item is named by the words before its first colon or comma, when they are this short
SUB_HEAD = 16
#: a paragraph opening with a sentence at most this long has a run-in head (坚持深化改革。…)
RUN_IN = 12
#: a section of more paragraphs than this is not read as one list
MOST_ITEMS = 12
#: an item's first clause shorter than this does not name it: its first sentence does
SHORT_CLAUSE = 4
_STOP = re.compile(r"[。；;！？!?，,]$")
_NAME_END = re.compile(r"[：:，,。；;]")

Line = tuple[Chunk, str]


def section_lines(chunks: Sequence[Chunk]) -> list[Line]:
    """The non-empty lines of ``chunks``, stripped, each with its chunk, in order."""
    return [(c, ln.strip()) for c in chunks for ln in c.text.split("\n") if ln.strip()]


def _is_head(text: str) -> bool:
    """The text after a marker that heads an item: short, not closing a sentence."""
    return bool(text) and len(text) <= HEAD_LINE and not _STOP.search(text)


def heads(lines: Sequence[Line]) -> list[int]:
    """Positions in ``lines`` of the heads of the first list written one paragraph per item:
    short marker lines of one family numbered 1, 2, 3 … (at least two); empty when none."""
    found = numbered_run([line for _, line in lines], _is_head)
    return found if len(found) >= 2 else []


def sub_items(lines: Sequence[Line], start: int, stop: int) -> list[tuple[Chunk, str]]:
    """The named sub-items numbered 1, 2, 3 … between two heads ((1) 闭环管理: …), each by
    the words before its colon; empty unless there are at least two, all named."""
    out: list[tuple[Chunk, str]] = []
    family = None
    for chunk, line in lines[start + 1 : stop]:
        m = marker_of(line)
        if m is None or (family is not None and m[0] != family) or m[1] != len(out) + 1:
            continue
        family = m[0]
        name = _NAME_END.split(m[2], maxsplit=1)[0].strip()
        if not name or len(name) > SUB_HEAD:
            return []
        out.append((chunk, name))
    return out if len(out) >= 2 else []


def headed_list(c: Composer, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
    """The items of the paragraph list of the best passage's section (or the sub-items of the
    head the question names), each chunk cited; None when its section has no such list."""
    top = passages[0].chunk
    lines = section_lines(c.vocab.section_chunks(top))
    at = heads(lines)
    if not at:
        return None
    names = [marker_of(lines[i][1])[2] for i in at]  # type: ignore[index]
    named = next((k for k, n in enumerate(names) if len(n) >= 2 and n in question), None)
    if named is not None:
        stop = at[named + 1] if named + 1 < len(at) else len(lines)
        items = sub_items(lines, at[named], stop)
        if not items:
            return None  # the question asks about one item: answered from its text
        return _draft(c, passages, names[named], items)
    if about_one_item(c, question, passages, names):
        return None
    return _draft(c, passages, leaf(top) or top.section, [(lines[i][0], n) for i, n in zip(at, names)])


def about_one_item(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], heads: Sequence[str]) -> bool:
    """Is the question about what one item of the best passage's list says (…通过哪些渠道公布)
    rather than the list? It then shares more words with its best sentence than with the
    list's section and ``heads``, and is answered from that sentence. Only the sentences of
    that section are its items': one of another section is about no item of this list."""
    q = c.scorer.qtokens(question)
    own = tuple(rc for rc in passages if rc.chunk.section_path == passages[0].chunk.section_path)
    best = c.scorer.best_sentences(question, own, 1)
    return bool(best) and c.scorer.overlap(q, best[0][2]) > c.scorer.overlap(q, " ".join([passages[0].chunk.section, *heads]))


def _head_of(text: str) -> str:
    """An item's head: its first clause (落实需求响应应急措施，保障… → 落实需求响应应急措施), or its
    first sentence when that clause is too short to name anything."""
    clause = re.split(r"[，,。；;：:]", text, maxsplit=1)[0].strip()
    return clause if len(clause) >= SHORT_CLAUSE else re.split(r"[。；;]", text, maxsplit=1)[0].strip()


def paragraph_items(lines: Sequence[Line]) -> list[tuple[Chunk, str]]:
    """The heads of a section written one paragraph per item: every paragraph (but perhaps an
    opening one) numbered 1, 2, 3 … (1．落实需求响应应急措施，… / 2．…), or every paragraph
    opening with a short sentence (坚持深化改革。… / 坚持分类施策。…); empty otherwise."""
    if not 2 <= len(lines) <= MOST_ITEMS + 1:
        return []
    texts = [line for _, line in lines]
    run = numbered_run(texts)
    if len(run) >= 2 and run == list(range(len(lines) - len(run), len(lines))) and len(lines) - len(run) <= 1:
        return [(lines[i][0], _head_of(marker_of(texts[i])[2])) for i in run]  # type: ignore[index]
    leads = [re.match(rf"([^。：:；;，,]{{2,{RUN_IN}}})[。：:]", t) for t in texts]
    if len(lines) <= MOST_ITEMS and all(leads):
        return [(chunk, m.group(1)) for (chunk, _), m in zip(lines, leads)]  # type: ignore[union-attr]
    return []


def paragraph_list(c: Composer, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
    """The heads of the paragraph list that makes up the best passage's section, each chunk
    cited, when the question names that section (保障措施都有哪些) and none of its items."""
    top = passages[0].chunk
    name = leaf(top)
    if len(name) < 2 or name not in question:
        return None
    items = paragraph_items(section_lines(c.vocab.section_chunks(top)))
    if not items or any(len(item) >= 2 and item in question for _, item in items):
        return None
    if about_one_item(c, question, passages, [item for _, item in items]):
        return None
    return _draft(c, passages, name, items)


def _draft(c: Composer, passages: tuple[RetrievedChunk, ...], name: str, items: Sequence[tuple[Chunk, str]]) -> Draft:
    allp, number = with_chunks(passages, list({chunk.id: chunk for chunk, _ in items}.values()))
    parts = []
    for k, (chunk, item) in enumerate(items):
        last_of_chunk = k + 1 == len(items) or items[k + 1][0].id != chunk.id
        parts.append(f"{item}[{number[chunk.id]}]" if last_of_chunk else item)
    return Draft(f"{c.say('items_list', name=name, items='；'.join(parts))}。", allp, Intent.LIST)


__all__ = ["about_one_item", "headed_list", "heads", "paragraph_items", "paragraph_list", "section_lines", "sub_items"]
