"""Figure questions: the sentence that states the figure a question asks for (an amount,
a year, a count), counted lists (几条原则), and the parts of a heading counted."""

from __future__ import annotations

import re

from ..chunking import strip_numbering
from ..lexicon import pattern
from ..text import is_english
from ..types import RetrievedChunk
from .compose import ASK_FINE, Composer, Draft
from .complete import completed
from .enumerations import enumerated
from .leads import bare_opener, counted_items, counted_section
from .leads import listed as with_items
from .lists import list_answer
from .scoring import clauses, end, sentences
from .understanding import ASKED_MEASURE, TOTAL, Intent, count_word, find_entity, measure_named, unit_of
from .vocabulary import leaf

#: what a question asked for that the passages do not state, by unit (wording keys)
STATED_AS = {"money": "what_money", "projects": "what_projects", "year": "what_year", "when": "what_year", "duration": "what_year",
             "date": "what_date", "clock": "what_clock", "place": "what_place", "contact": "what_contact", "count": "what_count"}
_LIST_ITEM = re.compile(r"(\d+)[.．、]")
#: what may follow 几个 without being what is counted (几个的, 几个呢)
_NOT_COUNTED = "的是呢吗啊呀吧了和或"
#: measure words that count the same things (多少条标准 is answered by “25项指标”)
_SAME_MEASURE = {"条": "条|项", "项": "项|条"}
#: a figure that sums up (共投资, 合计, 总投资): not any one item's own
_SUM = re.compile(r"共|合计|总计|总投资|累计|总额")
#: where to do something (在哪里申请, where can I apply), and what answers it: a place, or the office
#: or website a sentence says it is done at (data/patterns.yaml ask_venue, answer_place, answer_office)
ASK_VENUE = pattern("ask_venue")
ANSWER_VENUE = re.compile(f"{pattern('answer_place').pattern}|{pattern('answer_office').pattern}", re.I)
#: a question about a penalty, and a figure that is a fine (data/patterns.yaml)
ASK_PENALTY, FINE_AFTER, FINE_BEFORE = pattern("ask_penalty"), pattern("fine_after"), pattern("fine_before")
#: 哪几种 asks which ones, not how many
_WHICH = re.compile(r"哪几(?:个|大|项|条|类|种|批|处|座|家|所|名|件|套)")
#: a count of kinds (几种, 多少类, 几项): what the items of a list are; not 几家 or 多少人, which
#: count things a list of measures does not
_COUNTS_KINDS = re.compile(r"(?:几|多少)(?:个|种|类|项|条|批|方面|部分)")
#: …哪几种？ with nothing after: the kind asked is the question's subject (补贴包括哪几种)
_WHICH_LAST = re.compile(_WHICH.pattern + r"(?:呢|啊|呀)?[？?]?$")


def figure(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    unit = unit_of(question)
    wanted = c.figure_pattern(unit, measure_named(question))
    if unit == "place" and ASK_VENUE.search(question):  # 在哪里申请: a place, or the office or website it is done at
        wanted = ANSWER_VENUE
    looser: list[re.Pattern[str]] = []  # patterns to try when none of ``wanted`` is stated
    if unit == "count":
        which = _WHICH.search(question) is not None  # 哪几种方法: which ones, not how many
        listed = (numbered_list(c, question, passages[0]) or enumerated(c, question, passages[0], count=True)
                  or (None if which or not _COUNTS_KINDS.search(question) else counted_items(c, question, passages))
                  or counted_parts(c, question, passages) or counted_section(c, question, passages))
        if listed:
            return listed
        opener = bare_opener(c, question, passages[0]) if which else None
        if opener is not None and (items := with_items(c, passages, 0, opener, f"{c.lead(passages[0].chunk, opener)}[1]。")):
            return Draft(items.text, items.passages, Intent.LIST)  # …按以下方法确定： and its items
        if _names_listed_kind(c, question, passages[0]):
            return list_answer(c, question, passages)
        measures = counted_measures(question)
        if measures:  # 几条河 is answered by “N条…”, not by “14个项目”
            wanted, *looser = [re.compile(rf"[\d一二两三四五六七八九十]+(?:{m})[\u4e00-\u9fff]{{0,4}}") for m in measures]
    q = c.scorer.qtokens(question)
    # an English question shares no word with a Chinese sentence: how close each one is instead
    near = c.scorer.sentence_similarity(query_vector, passages) if is_english(question) else {}
    named = c.named(question, passages)
    sections = list(dict.fromkeys(leaf(p.chunk) for p in named))
    if wanted is not None and len(sections) >= 2:  # 近期目标和远期目标…: each named section's own figure
        each = [_best(c, q, wanted, [p for p in named if leaf(p.chunk) == name], passages, True) for name in sections]
        if all(each):
            return Draft("".join(_stated(c, passages, b) for b in each if b), passages, Intent.FIGURE)
    best: tuple[float, int, str, str] | None = None
    fines = ASK_PENALTY.search(question) is not None  # 登记费多少 is not answered by a fine
    only_fines = unit == "money" and ASK_FINE.search(question) is not None  # 罚多少钱 by a fine alone, not a sum invested
    # the first passages first; the rest only when none of them states such a figure
    for pattern in [wanted, *looser]:  # a figure of what is counted first, then of its measure word alone
        for candidates in ([named] if named else [passages[:3], passages[3:]]):
            best = _best(c, q, pattern, candidates, passages, bool(named), near, fines, only_fines) if pattern is not None else None
            if best is not None:
                break
        if best is not None:
            break
    if best is None:
        if unit == "count" and _WHICH_LAST.search(question):  # 补贴包括哪几种？ the subject names the kind: its list
            draft = list_answer(c, question, passages)
            if draft is not None:
                return draft
        if unit is None and re.search(r"多少|多大|几[个项条成]", question):
            unit = "count"  # a number the passages do not state
        if unit in STATED_AS:
            subject = "、".join(sections) if sections else c.say("not_stated_any")
            what = c.say("what_amount") if only_fines else _what(c, unit)
            return Draft(c.say("not_stated", subject=subject, what=what), passages, Intent.NOT_STATED)
        return None
    if unit == "money" and (item := item_of_a_sum(question, best[2], wanted)) is not None:
        return Draft(c.say("not_stated", subject=item, what=_what(c, unit)), passages, Intent.NOT_STATED)
    items = with_items(c, passages, best[1], best[2], _stated(c, passages, best))
    if items is not None:  # 分为以下三类： is answered by the three
        return Draft(items.text, items.passages, Intent.FIGURE)
    text = completed(c.scorer, question, passages, best[1], _stated(c, passages, best), query_vector=query_vector)
    return Draft(text, passages, Intent.FIGURE)


def counted_measures(question: str) -> tuple[str, ...]:
    """The measures a count question asks in, as patterns the figure must carry, the closest
    first: 几条河 → 条|项; 几个人 → 个?人, then 个, since what 个 counts is what the figure is of
    (不少于2人 answers 几个人, 3个工作日 does not), when a passage states it so (多少个才够 or
    几个“城中村” leave 个 alone). Empty without a measure word."""
    asked = ASKED_MEASURE.search(question)  # the figure must carry it
    if asked is None:
        return ()
    counted = question[asked.end() : asked.end() + 1]
    if asked.group(1) == "个" and re.match(r"[\u4e00-\u9fff]", counted) and counted not in _NOT_COUNTED:
        return (f"个?{counted}", "个")
    return (_SAME_MEASURE.get(asked.group(1), asked.group(1)),)


def _what(c: Composer, unit: str) -> str:
    """How a refusal names what the passages do not state: an amount of money is an
    investment (投资额) only in documents that write of investment, else an amount (金额)."""
    return c.say("what_amount" if unit == "money" and "投资" not in c.vocab.text else STATED_AS[unit])


def item_of_a_sum(question: str, sentence: str, wanted: re.Pattern[str]) -> str | None:
    """The one item of a 、-list in ``sentence`` that a question names, when the figure the
    sentence states is the list's, not that item's own (项目包括A、B、C等，共投资2.64亿元
    does not say what A costs; A投资1亿元、B投资2亿元 does). None for a question that asks
    for a total or names several items."""
    if TOTAL.search(question) or not any(_SUM.search(cl) and wanted.search(cl) for cl in clauses(sentence)):
        return None  # a rate for each (A、B按500元/㎡补贴) is every item's own
    named = [item for cl in clauses(sentence) if "、" in cl for item in _list_items(cl) if _names(question, item)]
    if len(named) != 1 or wanted.search(named[0]):
        return None
    return named[0]


def _list_items(clause: str) -> list[str]:
    """The items of a 、-list clause, without what leads the first (项目包括) or follows the last (等)."""
    items = clause.rstrip("。；;，,").split("、")
    items[0] = re.split(r"包括|包含|涵盖|分别为|分别是|主要有|有|为|是|：|:", items[0])[-1]
    items[-1] = re.sub(r"(?:等|和|及).*$", "", items[-1])
    return [i.strip() for i in items if len(i.strip()) >= 2]


def _names(question: str, item: str) -> bool:
    """Does the question name this item, in full or without its kind (龙头山风景区 of 龙头山风景区项目)?"""
    core = re.sub(r"(?:项目|工程|建设|行动|计划)$", "", item)
    return item in question or (len(core) >= 3 and core in question)


def _names_listed_kind(c: Composer, question: str, rc: RetrievedChunk) -> bool:
    """Does the question ask which ones of a kind (哪几种能源) that a list of the passage
    names (太阳能、生物质能、地热能等可再生能源)? A kind of one character (哪几条河) is too
    little to tell the list from another one."""
    which = _WHICH.search(question)
    if which is None:
        return False
    kind = next((t for t in c.scorer.tokenize(question[which.end():]) if len(t) >= 2), None)
    return kind is not None and kind in question[which.end():which.end() + 4] and any(
        "、" in clause and kind in clause for s in sentences(rc.chunk.text) for clause in clauses(s)
    )


def _is_fine(text: str, m: re.Match[str]) -> bool:
    """Is the figure ``m`` of ``text`` a fine (处五百元罚款, 罚款标准为每次200元)?"""
    return FINE_AFTER.match(text, m.end()) is not None or FINE_BEFORE.search(text, 0, m.start()) is not None


def _best(  # type: ignore[no-untyped-def]
    c: Composer, q: set[str], wanted: re.Pattern[str], candidates, passages: tuple[RetrievedChunk, ...], named: bool,
    near: dict[tuple[str, str], float] | None = None, fines: bool = True, only_fines: bool = False,
) -> tuple[float, int, str, str] | None:
    """(score, passage position, sentence, clause) of the clause among ``candidates`` that
    states a figure ``wanted`` matches, best first by the words it shares with the question
    (or, with ``near``, the sentences' cosines to it, by how close to the closest); without
    ``fines``, a figure that is a fine (处五百元罚款) states none; with ``only_fines``, only one does."""
    best: tuple[float, int, str, str] | None = None
    top = max(near.values()) if near else 0.0
    for rc in candidates:
        pos = passages.index(rc)
        for s in sentences(rc.chunk.text):
            overlap = c.scorer.overlap(q, s) + c.scorer.overlap(q, rc.chunk.section) * 0.5
            if near and (rc.chunk.id, s) in near:
                overlap = max(0.0, 1.0 - (top - near[(rc.chunk.id, s)]) / c.scorer.DENSE_SCALE) or 1e-6
            if not named and overlap == 0:
                continue  # a figure from a passage that shares nothing with the question
            for clause in clauses(s):
                # “5. 政府主导…”: a list item's number labels it, it is not a figure
                text = strip_numbering(clause) if clause == s or s.startswith(clause) else clause
                found = wanted.finditer(text)
                if (any(_is_fine(text, m) for m in found) if only_fines else
                        any(fines or not _is_fine(text, m) for m in found)):
                    score = overlap + 0.4 / (pos + 1) + 0.2 * c.scorer.overlap(q, clause)
                    if best is None or score > best[0]:
                        best = (score, pos, s, clause)
    return best


def _stated(c: Composer, passages: tuple[RetrievedChunk, ...], best: tuple[float, int, str, str]) -> str:
    """The sentence of ``best`` with its subject and marker."""
    _, pos, s, _ = best
    return f"{c.lead(passages[pos].chunk, s)}[{pos + 1}]。"


def numbered_list(c: Composer, question: str, rc: RetrievedChunk) -> Draft | None:
    """“几条原则？” over a numbered list: the count is the list's own last number."""
    lines = [ln.strip() for ln in rc.chunk.text.split("\n") if ln.strip()]
    numbers = [_LIST_ITEM.match(ln) for ln in lines]
    if len(lines) < 3 or not all(numbers):
        return None
    last = numbers[-1].group(1)  # type: ignore[union-attr]
    text = c.say("items_count", name=leaf(rc.chunk) or rc.chunk.section, count=last, measure=count_word(question), items="；".join(lines))
    return Draft(f"{end(text)}[1]。", (rc,), Intent.FIGURE)


def counted_parts(c: Composer, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
    """“…分几个方面？”: the subsections of the heading the question names, counted and each
    cited (the count is checked against the list by the verification)."""
    heading = c.parent_heading(question)
    if heading is None or find_entity(question, [e for e in c.vocab.entities if e != heading]):
        return None
    draft = c.parts(heading, passages)
    if draft is None:
        return None
    names = [name for name, _ in c.vocab.parts(heading)]
    if any("、" in name for name in names):  # 因地制宜、适地适树: a count of such names cannot be checked; listed
        return Draft(c.say("parts_list", heading=heading, parts=draft.text), draft.passages, Intent.LIST)
    asked = re.search(r"(?:几|多少)个?(方面|领域|部分)", question)
    text = c.say("parts_count", heading=heading, count=len(names), word=asked.group(1) if asked else "方面", parts=draft.text)
    return Draft(text, draft.passages, Intent.FIGURE)


__all__ = ["counted_measures", "counted_parts", "figure", "numbered_list"]
