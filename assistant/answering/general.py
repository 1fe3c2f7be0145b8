"""Open and yes/no questions: the best-scoring sentence (with its continuation when it is
short), a named short section given whole, a false figure corrected."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..citations import MARKER
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .complete import completed
from .cut import rejoined
from .figures import figure
from .enumerations import starts_item
from .leads import continued, listed, opener_of
from .lists import ordinal
from .scoring import end, sentences
from .understanding import AGENT, CLAIMED, CONFIRM_ASKED, CONFIRM_CLAUSE, PREMISE, WHO, Intent, question_clauses, unit_of
from .vocabulary import YEAR, untitled

#: how much lower than a short answering sentence the next one of its passage may score and
#: still follow it (not after an item of a list)
CONTINUATION_GAP = 0.4
#: a passage this short is quoted whole: a section the question names, or the answering passage
#: (passages are at most the chunk size, 150 by default)
WHOLE_PASSAGE = 160
#: a sentence that scores this close to the best one is a tie the scorer cannot break (0.025 of
#: cosine at DENSE_WEIGHT): both are quoted within :data:`TIE_BUDGET` characters, one of the
#: answering passage in the document's order, one of another passage after it. Fitted on the
#: development sets (32 plan sets and 46 foreign corpora, 4,991 items) and eval/qa.jsonl's citation
#: precision, since each passage quoted costs a citation: 0.15 → 0.25 made 9 answers right and
#: none wrong (precision 0.962 → 0.958, median answer +2.5 characters on foreign documents); 0.4
#: made 13 right but took precision to 0.935, 0.3 to 0.946; within the answering passage alone
#: 0.15 and 0.4 answer the development sets alike
TIE = 0.25
TIE_BUDGET = 200
#: what measures a claimed figure (签10年, 500元, 20%): 10年 is checked as 10年, not as the 10 of 10月1日
_MEASURES = frozenset("年月日天周岁个万亿元%‰人户项条次倍吨亩米家所名座")


def quoted_item(
    c: Composer, passages: tuple[RetrievedChunk, ...], pos: int, s: str,
) -> tuple[tuple[RetrievedChunk, ...], str, tuple[str, Chunk] | None]:
    """The sentence ``s`` of passage ``pos`` quoted with its marker, after the sentence that
    opens its list when it is an item of one (任何单位和个人不得实施下列行为： before （五）擅自…设置
    地锁): what the item is a case of, which the item alone does not say. Returns the passages
    (with the opener's chunk when it was not retrieved), the text and the opener found."""
    text = f"{c.lead(passages[pos].chunk, s)}[{pos + 1}]。"
    if (opened := opener_of(c, passages[pos].chunk, s)) is not None:
        opener, where = opened
        passages, number = with_chunks(passages, [where])
        marker = "" if where is passages[pos].chunk else f"[{number[where.id]}]"
        text = f"{c.lead(where, opener)}{marker}{end(s)}[{pos + 1}]。"
    return passages, text, opened


def general(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    named = c.named(question, passages, by_synonym=True)
    if len(named) == 1 and len(named[0].chunk.text) <= WHOLE_PASSAGE:
        # the named section is short enough to give whole
        return Draft(f"{whole(c, named[0].chunk)}[{passages.index(named[0]) + 1}]。", passages, Intent.GENERAL)
    nth = ordinal(c, question, passages)
    if nth is not None:
        return nth
    scored = c.scorer.best_sentences(question, passages, 60, query_vector)
    best = scored[:12]
    if not best:
        return None
    score, pos, s = best[0]
    cut = rejoined(c, passages, pos, s)
    if cut is not None:
        return cut
    passages, text, opened = quoted_item(c, passages, pos, s)
    items = listed(c, passages, pos, s, text)
    if items is not None:
        return items
    chunk = passages[pos].chunk
    if len(chunk.text) <= WHOLE_PASSAGE and len(sentences(chunk.text)) > 1:
        # a short passage is quoted whole: the sentence the scorer ranks first is often not
        # the one that answers, and the rest of a passage this short costs the reader little
        before = text[: text.index(end(s))] if opened is not None and opened[1] is not chunk else ""  # an opener cited apart
        return _quoted_whole(c, question, passages, best, before)
    second, wanted = _second(best, passages), False
    if WHO.search(question) and not AGENT.search(s):  # a who-question: the sentence that names a body follows
        bodies = [b for b in best[1:] if AGENT.search(b[2])]
        named_body = next((b for b in bodies if b[1] == pos), None) or next(iter(bodies), None)
        second, wanted = (named_body, True) if named_body is not None else (second, False)
    if second is None or not (wanted or (len(s) < 40 and second[0] > 0.5 * score)):
        second = _tie(best, pos, s)
        wanted = second is not None
    if second is not None and (wanted or (len(s) < 40 and second[0] > 0.5 * score)):
        _, pos2, s2 = second
        if pos2 == pos:  # one passage: one subject, one marker, the document's order
            own = sentences(passages[pos].chunk.text)
            if s2 in own and s in own and own.index(s2) < own.index(s):
                text = f"{c.lead(passages[pos].chunk, s2)}。{end(s)}[{pos + 1}]。"
            else:
                text = f"{end(text[: -len(f'[{pos + 1}]。')])}。{end(s2)}[{pos + 1}]。"
        else:
            text += f"{c.lead(passages[pos2].chunk, s2)}[{pos2 + 1}]。"
            return Draft(text, passages, Intent.GENERAL)
    return Draft(completed(c.scorer, question, passages, pos, text, scored), passages, Intent.GENERAL)


def _quoted_whole(
    c: Composer, question: str, passages: tuple[RetrievedChunk, ...], best: Sequence[tuple[float, int, str]], before: str,
) -> Draft:
    """The answering passage of ``best[0]`` whole, after ``before``; then, as the sentence rules
    do, a sentence naming a body of another passage for a who-question, else the best sentence
    of another passage when the answering sentence is short and the other scores over half as much."""
    score, pos, s = best[0]
    chunk = passages[pos].chunk
    text = f"{before}{whole(c, chunk)}[{pos + 1}]。"
    if (more := continued(c, passages, pos)) is not None:  # the passage ends inside a list: its other items
        passages, items = more
        return Draft(text + items, passages, Intent.GENERAL)
    if WHO.search(question) and not AGENT.search(chunk.text):
        other = next((b for b in best[1:] if b[1] != pos and AGENT.search(b[2])), None)
    else:
        other = _second(best, passages) if len(s) < 40 else None
        other = other if other is not None and other[1] != pos and other[0] > 0.5 * score else None
        other = other or _tie(best, pos, s, elsewhere=True)
    if other is not None:
        text += f"{c.lead(passages[other[1]].chunk, other[2])}[{other[1] + 1}]。"
    return Draft(text, passages, Intent.GENERAL)


def whole(c: Composer, chunk: Chunk) -> str:
    """A passage's text as one quotation with its subject, its lines joined by ；, without its closing mark."""
    parts = sentences(chunk.text.replace("\n", "；"))
    out = end(c.lead(chunk, parts[0]))
    for part in parts[1:]:  # 有下列情形之一的：（一）…；（二）…。其他…
        out += ("" if out.endswith(("：", ":")) else "；" if starts_item(part) else "。") + end(part)
    return out


def _second(best: Sequence[tuple[float, int, str]], passages: Sequence[RetrievedChunk]) -> tuple[float, int, str] | None:
    """The sentence to follow ``best[0]``: the next sentence of its passage when it scores
    within :data:`CONTINUATION_GAP`, else the best one of another passage."""
    score, pos, s = best[0]
    own = sentences(passages[pos].chunk.text)
    following = own[own.index(s) + 1] if s in own and own.index(s) + 1 < len(own) else None
    nxt = next((b for b in best[1:] if b[1] == pos and b[2] == following), None)
    if nxt is not None and s.endswith("。") and nxt[0] >= score - CONTINUATION_GAP:
        return nxt
    return next((b for b in best[1:] if b[1] != pos), None)


def _tie(best: Sequence[tuple[float, int, str]], pos: int, s: str, elsewhere: bool = False) -> tuple[float, int, str] | None:
    """A sentence other than ``s`` that scores within :data:`TIE` of ``best[0]`` when both fit
    in :data:`TIE_BUDGET` characters: one of the answering passage ``pos`` first, else one of
    another passage (only one of another passage when ``elsewhere``: the answering one is quoted whole)."""
    score = best[0][0]
    close = [b for b in best[1:] if b[0] >= score - TIE and b[2] != s and len(s) + len(b[2]) <= TIE_BUDGET]
    own = None if elsewhere else next((b for b in close if b[1] == pos), None)
    return own or next((b for b in close if b[1] != pos), None)


def _writes(text: str, number: str, measure: str = "") -> bool:
    """Does ``text`` write ``number`` as a number of its own (not 12 inside 12.74 or 312),
    followed by ``measure`` when one is given (10年 is not the 10 of 10月1日)?"""
    return re.search(rf"(?<![\d.]){re.escape(number)}(?![\d]|\.\d){re.escape(measure)}", text) is not None


def _measured(measure: str) -> re.Pattern[str]:
    """A number in ``measure``; a year (2012年) or a date's month (10月1日) is no number of years or months."""
    # a magnitude or 周 may stand between (2万元 is in 元, 45周岁 in 岁)
    return re.compile(rf"(?<![\d.])(?!(?:19|20)\d\d年)\d+(?:\.\d+)?[万千百亿周]?{re.escape(measure)}(?![度\d])")


def _in_measure(
    c: Composer, question: str, passages: tuple[RetrievedChunk, ...], measure: str, query_vector=None,  # type: ignore[no-untyped-def]
) -> Draft | None:
    """The best sentence of the first passages that states a figure in the measure of a figure
    the question claims and the documents never write (签10年 → 最长不得超过5年), or None."""
    wanted = _measured(measure)
    for _, pos, s in c.scorer.best_sentences(question, passages, 30, query_vector):
        if wanted.search(untitled(passages[pos].chunk, s)):
            return Draft(f"{c.lead(passages[pos].chunk, s)}[{pos + 1}]。", passages, Intent.FIGURE)
    return None


def yesno(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    # (figure, measure): 签10年 → (10, 年); 35周岁 is in 岁, not in weeks
    claimed = [(m.group(1), "岁" if question[m.end(1):].startswith("周岁") else m.group(2)[:1] if m.group(2)[:1] in _MEASURES else "")
               for m in CLAIMED.finditer(question)]
    if claimed:
        wrong = [f for f, m in claimed if not _writes(c.vocab.text, f, m)]
        fact = figure(c, question, passages) or general(c, question, passages)
        if fact is None or fact.intent is Intent.NOT_STATED:
            return fact
        # stated only when the quoted answer states every figure claimed; a figure the documents
        # hold elsewhere (满分100分 of a total, asked of a part worth 60) is neither confirmed nor denied
        said = MARKER.sub("", fact.text)
        measures = [m for f, m in claimed if f in wrong and m]
        if measures and not any(_measured(m).search(said) for m in measures):
            corrected = _in_measure(c, question, passages, measures[0], query_vector)  # 签10年: 最长不得超过5年
            unstated = [f + m for f, m in claimed if f in wrong and m and not (m == "年" and YEAR.fullmatch(f))]
            if corrected is None and unstated:  # no passage states a figure of the claimed measure: none to deny it with
                return Draft(unstated[0], passages, Intent.NOT_STATED)  # (a year claimed, 2030年, is denied by the years stated)
            fact = corrected or fact
            said = MARKER.sub("", fact.text)
        # never 是的: the claimed figure may stand in the answer while the claim around it does not
        # (是不是直接发现金 over 每人每月400元; 还需要重新办理吗 over …无需重新办理): the passage says what it says
        held = all(_writes(said, f, m) for f, m in claimed)
        # 不是 denies a claim about the documents (听说…, …对吧), not the asker's own figure (我爸今年66了，
        # 能做点啥服务不 over 65周岁以上): no document writes 66, yet nothing is denied
        claims = PREMISE.search(question) is not None or CONFIRM_ASKED.search(question) is not None or any(
            CONFIRM_CLAUSE.search(part) and any(f in part for f in wrong) for part in question_clauses(question))
        opener = c.say("no_such_figure") if wrong and claims else c.say("stated") if held else c.say("related")
        return Draft(opener + fact.text, passages, Intent.YESNO)
    if unit_of(question) == "money" and re.search(r"多少|几|亿|万|how much", question, re.I):
        return figure(c, question, passages)  # 投了12亿吗 / 投资有多少吗; not 光靠政府掏腰包吗
    best = c.scorer.best_sentences(question, passages, 1, query_vector)
    if not best:
        return None
    score, pos, s = best[0]
    # no 是的: the passage that covers the subject need not say yes
    opener = c.say("stated") if score >= 0.75 else c.say("related")
    passages, text, _ = quoted_item(c, passages, pos, s)  # 可以装地锁吗: 不得实施下列行为 says no, not the item
    items = listed(c, passages, pos, s, text)  # 有下列情形之一的…： the cases are what answers
    if items is not None:
        return Draft(opener + items.text, items.passages, Intent.YESNO)
    return Draft(opener + text, passages, Intent.YESNO)


__all__ = ["general", "quoted_item", "yesno"]
