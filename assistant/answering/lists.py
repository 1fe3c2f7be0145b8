"""List, membership, definition and ordinal questions: the parts of a heading, the items of
a list section, which section an item belongs to, what a glossary term means, the n-th
item of a numbered list."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..chunking import strip_numbering
from ..text import is_english
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .enumerations import enumerated, marker_of, numbered_run
from .cut import rejoined
from .headed import headed_list, paragraph_list, section_lines
from .leads import OPENS_LIST, listed
from .ordinals import position
from .scoring import clauses, end, sentences
from .understanding import Intent, find_entity
from .vocabulary import leaf

def list_answer(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    heading = c.parent_heading(question)
    # an English question names a section by its gloss or a synonym (the ecological economy field of the key projects)
    words = c.vocab.section_words(question) if is_english(question) else question
    leaf_entity = find_entity(words, [e for e in c.vocab.entities if e != heading])
    if heading and not leaf_entity:
        parts = c.parts(heading, passages)
        if parts is not None:
            return Draft(c.say("parts_list", heading=heading, parts=parts.text), parts.passages, Intent.LIST)
    top = passages[0].chunk
    opened = strip_numbering(top.section_path[-1]) if top.section_path else ""
    if not heading and not leaf_entity and opened in c.vocab.children:
        # the best passage opens a heading with subsections (行动任务：围绕“六大行动”…): list them
        parts = c.parts(opened, passages)
        if parts is not None:
            return Draft(c.say("parts_list", heading=opened, parts=parts.text), parts.passages, Intent.LIST)
    headed = headed_list(c, question, passages)  # 1. 自愿报名 / its text / 2. 平台运作 …
    if headed is not None:
        return headed
    paragraphs = paragraph_list(c, question, passages)  # 1．落实需求响应应急措施，… / 2．…
    if paragraphs is not None:
        return paragraphs
    best = c.scorer.best_sentences(question, passages, 1, query_vector)
    if best and OPENS_LIST.search(best[0][2]):  # the answering sentence opens a list (有下列情形之一的：)
        _, pos, s = best[0]
        items = listed(c, passages, pos, s, f"{c.lead(passages[pos].chunk, s)}[{pos + 1}]。")
        if items is not None:
            return Draft(items.text, items.passages, Intent.LIST)
    lines = [ln for ln in top.text.split("\n") if ln.strip()]
    if len(lines) >= 3:  # a list section
        parts = [end(unnumbered(ln)) for ln in lines]  # no ；after the line that opens the list (…分配：)
        items = "".join(x + ("" if k == len(parts) - 1 or x.endswith(("：", ":")) else "；") for k, x in enumerate(parts))
        return Draft(f"{c.say('items_list', name=leaf(top) or top.section, items=items)}[1]。", passages, Intent.LIST)
    inline = enumerated(c, question, passages[0], count=False)  # （一）…；（二）…: every item
    if inline is not None:
        return Draft(inline.text, passages, Intent.LIST)
    q = c.scorer.qtokens(question)
    best = None
    for pos, rc in enumerate(passages[:3]):
        for s in sentences(rc.chunk.text):
            for clause in clauses(s):
                if "、" in clause or "包括" in clause:
                    score = c.scorer.overlap(q, s) + c.scorer.overlap(q, rc.chunk.section) * 0.5 + 0.4 / (pos + 1)
                    if best is None or score > best[0]:
                        best = (score, pos, s, clause)
    if best is None or not any("、" in x or "包括" in x for x in clauses(top.text)):
        return None  # the best passage lists nothing: answer from it, not from a list below it
    _, pos, s, _ = best
    whole = rejoined(c, passages, pos, s, Intent.LIST)  # a list sentence a chunk boundary cut in two
    if whole is not None:
        return whole
    return Draft(f"{c.lead(passages[pos].chunk, s)}[{pos + 1}]。", passages, Intent.LIST)


def unnumbered(line: str) -> str:
    """A list line without its marker (1. 资金保障 → 资金保障), unless a number follows the
    marker (1.3人户家庭): without it, the item would read as the decimal's rest (3人户家庭)."""
    rest = strip_numbering(line)
    return line.strip() if rest[:1].isdigit() else rest


def membership(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    core = re.split(r"属于|归|是哪|在哪|which|belong", question, flags=re.I)[0]
    core = re.sub(r"[“”\"？?。，,]|^(?:请问|那)", "", core).strip()
    for pos, rc in enumerate(passages[:3]):
        text = rc.chunk.text
        items = re.split(r"[、，。；]|包括|项目为", text)
        match = next((i for i in items if core and (core in i or (len(core) >= 4 and core[:4] in i))), None)
        if match and len(rc.chunk.section_path) >= 2:
            s = next((s for s in sentences(text) if match in s), None)
            if s is None:  # the item runs across a line break: no one sentence holds it
                continue
            said = c.say("membership", item=match.strip(), top=c.vocab.parent(rc.chunk), leaf=leaf(rc.chunk))
            return Draft(f"{said}[{pos + 1}]。{c.lead(rc.chunk, s)}[{pos + 1}]。", passages, Intent.MEMBERSHIP)
    return None


def definition(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    term = next((t for t in c.vocab.glossary if any(n in question for n in t.names)), None)
    if term is None:
        return None
    pos, s = next(
        ((i, s) for i, rc in enumerate(passages[:5]) for s in sentences(rc.chunk.text) if any(n in s for n in term.names)),
        (None, None),
    )
    label = c.say("definition_corpus" if term.basis == "corpus" else "definition_public")
    text = c.say("definition", term=term.term, explanation=end(term.explanation), label=label)
    if pos is not None and s is not None:
        text += f"{end(c.say('definition_quote', sentence=end(s)))}[{pos + 1}]。"
    return Draft(text, passages, Intent.DEFINITION)


def ordinal(c: Composer, question: str, passages: Sequence[RetrievedChunk], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """“第四条是什么”, “最后一条呢”: the item at that position of the first numbered list
    (one item per line, numbered from one) among the passages, read over every chunk of its
    section. A document that numbers its own clauses so (第四条) is left to retrieval."""
    asked = position(question)
    if asked is None:
        return None
    n, words = asked
    if words in c.vocab.text:
        return None
    for rc in passages[:3]:
        items = numbered_lines(c.vocab.section_chunks(rc.chunk))
        if len(items) >= 3:
            name = leaf(rc.chunk) or rc.chunk.section
            index = n - 1 if n > 0 else len(items) + n
            if not 0 <= index < len(items):
                if n < 0:
                    return None
                return Draft(c.say("ordinal_missing", name=name, number=n), tuple(passages), Intent.NOT_STATED)
            chunk, number, item = items[index]
            allp, at = with_chunks(tuple(passages), [chunk])
            said = c.say("ordinal_item", name=name, number=number, item=end(item))
            return Draft(f"{said}[{at[chunk.id]}]。", allp, Intent.GENERAL)
    return None


def numbered_lines(chunks: Sequence[Chunk]) -> list[tuple[Chunk, int, str]]:
    """(chunk, number, text) of the lines numbered 1, 2, 3 … with one marker family (1. 2. 3.
    or （一）（二）), in order across ``chunks``; the first such run."""
    lines = section_lines(chunks)
    found = numbered_run([line for _, line in lines])
    return [(lines[i][0], n, marker_of(lines[i][1])[2]) for n, i in enumerate(found, 1)]  # type: ignore[index]


__all__ = ["definition", "list_answer", "membership", "numbered_lines", "ordinal"]
