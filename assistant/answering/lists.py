"""List, membership, definition and ordinal questions: the parts of a heading, the items of
a list section, which section an item belongs to, what a glossary term means, the n-th
item of a numbered list."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..chunking import strip_numbering
from ..lexicon import pattern
from ..types import RetrievedChunk
from .compose import Composer, Draft
from .enumerations import enumerated, numeral_value
from .scoring import clauses, end, sentences
from .understanding import Intent, find_entity
from .vocabulary import leaf

def list_answer(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    heading = c.parent_heading(question)
    leaf_entity = find_entity(question, [e for e in c.vocab.entities if e != heading])
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
    lines = [ln for ln in top.text.split("\n") if ln.strip()]
    if len(lines) >= 3:  # a list section
        items = "；".join(strip_numbering(ln) for ln in lines)
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
    return Draft(f"{c.lead(passages[pos].chunk, s)}[{pos + 1}]。", passages, Intent.LIST)


def membership(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    core = re.split(r"属于|归|是哪|在哪|which|belong", question, flags=re.I)[0]
    core = re.sub(r"[“”\"？?。，,]|^(?:请问|那)", "", core).strip()
    for pos, rc in enumerate(passages[:3]):
        text = rc.chunk.text
        items = re.split(r"[、，。；]|包括|项目为", text)
        match = next((i for i in items if core and (core in i or (len(core) >= 4 and core[:4] in i))), None)
        if match and len(rc.chunk.section_path) >= 2:
            s = next(s for s in sentences(text) if match in s)
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
    """“第四条是什么”: the item numbered so in the first numbered list among the passages."""
    m = pattern("ordinal").search(question)
    if m is None:
        return None
    n = m.group(1)
    number = int(n) if n.isdigit() else numeral_value(n)
    for pos, rc in enumerate(passages[:3]):
        lines = [ln.strip() for ln in rc.chunk.text.split("\n") if re.match(r"\s*\d+[.．、]", ln)]
        if len(lines) >= 3:
            name = leaf(rc.chunk) or rc.chunk.section
            item = next((ln for ln in lines if re.match(rf"{number}[.．、]", ln)), None)
            if item is None:  # 第九条 of five
                return Draft(c.say("ordinal_missing", name=name, number=number), tuple(passages), Intent.NOT_STATED)
            said = c.say("ordinal_item", name=name, number=number, item=end(strip_numbering(item)))
            return Draft(f"{said}[{pos + 1}]。", tuple(passages), Intent.GENERAL)
    return None


__all__ = ["definition", "list_answer", "membership", "ordinal"]
