"""Figures over several sections: totals, differences, the largest, averages per project
and a section's share, each written out from the quoted figures (2.64+12.74=15.38,
12.74÷14≈0.91) so that the verification checks it like any figure."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from ..chunking import strip_numbering
from ..citations import decimals, rounded
from ..lexicon import pattern, words
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .figures import figure
from .understanding import DIFFERENCE, MAXIMA, Intent, asks, unit_of
from .vocabulary import GENERIC_WORDS, leaf

#: words every section of a list of figures shares; they single out none (data/lexicon/figure_words.txt)
FIGURE_WORDS = words("figure_words")
_NUM = re.compile(r"\d+(?:\.\d+)?")


def number(figure: str) -> str:
    """The number of a quoted figure: 12.74亿元 → 12.74, 14个项目 → 14."""
    m = _NUM.match(figure)
    assert m is not None, figure
    return m.group(0)


def unit_of_figure(figure: str) -> str:
    """What follows the number: 12.74亿元 → 亿元."""
    return figure[len(number(figure)):]


def written_sum(found: Sequence[tuple[Chunk, str]], at: dict[str, int]) -> tuple[str, str, str, str]:
    """For quoted figures of several sections: the cited list (…2.64亿元[1]、…), the
    written-out sum (2.64+12.74+6.37), its result (at the operands' decimals) and the
    markers of all the figures."""
    values = [number(fig) for _, fig in found]
    places = max(decimals(v) for v in values)
    total = f"{round(sum(float(v) for v in values), places):.{places}f}"
    parts = "、".join(f"{leaf(c)}{fig}[{at[c.id]}]" for c, fig in found)
    marks = "".join(f"[{at[c.id]}]" for c, _ in found)
    return parts, "+".join(values), total, marks


def same_unit(found: list[tuple[Chunk, str]]) -> list[tuple[Chunk, str]]:
    """Only figures in the unit most of them are in: 亿元 and 万元 are not added up."""
    units = [unit_of_figure(f) for _, f in found]
    common = max(set(units), key=units.count) if units else ""
    return [(c, f) for c, f in found if unit_of_figure(f) == common]


def focus(c: Composer, question: str, siblings: Sequence[Chunk]) -> Chunk | None:
    """The subsection whose text holds the question's own words: at least two of them, and
    twice as many as any other subsection holds."""
    own = {t for t in c.scorer.qtokens(question) if len(t) >= 2} - GENERIC_WORDS - FIGURE_WORDS
    hits = sorted(((sum(w in s.text for w in own), k) for k, s in enumerate(siblings)), reverse=True)
    if not hits or hits[0][0] < 2 or (len(hits) > 1 and hits[0][0] < 2 * hits[1][0]):
        return None
    return siblings[hits[0][1]]


def aggregate(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    # …一共多少个项目 over the fields with money: the projects are counted, the money only selects
    unit = "projects" if asks("projects").search(question) else unit_of(question) or "money"
    if unit == "count":
        return figure(c, question, passages)
    wanted = c.figure_pattern(unit) if unit in ("money", "projects") else None
    if wanted is None:
        return None
    # the top-level section whose subsections state this kind of figure
    tops = [strip_numbering(p.chunk.section_path[0]) for p in passages if len(p.chunk.section_path) >= 2]
    counts = {t: c.stating(t, unit) for t in tops}
    if not counts or max(counts.values()) < 2:  # then the headings no passage reached
        tops += [t for t in c.vocab.children if t not in tops]
        counts = {t: c.stating(t, unit) for t in tops}
    if not counts or max(counts.values()) < 2:
        return None
    top_heading = max(counts, key=lambda t: (counts[t], -tops.index(t)))
    siblings = list(c.vocab.children[top_heading])
    named = [s for s in siblings if any(n in question for n in c.vocab.forms.get(leaf(s), (leaf(s),)))]
    if len(named) < 2 and not MAXIMA.search(question):
        one = focus(c, question, siblings)
        if one is not None:  # the projects of one section: its own figure
            rc = next((p for p in passages if p.chunk.id == one.id), RetrievedChunk(one, 0.0, 0))
            return figure(c, question, (rc,))
    group = named if len(named) >= 2 else siblings
    money = c.figure_pattern("money")
    if unit == "projects" and money is not None and re.search(r"(?:有|明确|列出|列了|写了)(?:的)?投资额|有投资的", question):
        group = [s for s in group if money.search(s.text)]
    allp, pos = with_chunks(passages, group)
    found = same_unit([(s, m.group(0)) for s in group if (m := wanted.search(s.text))])
    missing = [leaf(s) for s in group if s.id not in {f.id for f, _ in found}]
    if len(found) < 2:
        return None
    parts, expression, total, marks = written_sum(found, pos)
    suffix = unit_of_figure(found[0][1])
    if len(found) == 2 and DIFFERENCE.search(question):
        (a, fa), (b, fb) = sorted(found, key=lambda x: -float(number(x[1])))
        places = max(decimals(number(fa)), decimals(number(fb)))
        diff = f"{float(number(fa)) - float(number(fb)):.{places}f}"
        text = c.say(
            "difference", a=f"{leaf(a)}{fa}[{pos[a.id]}]", b=f"{leaf(b)}{fb}[{pos[b.id]}]",
            expression=f"{number(fa)}-{number(fb)}", result=diff, unit=suffix, marks=f"[{pos[a.id]}][{pos[b.id]}]",
        )
        return Draft(text, allp, Intent.AGGREGATE)
    if re.search(r"最多|最大|最高|the most|the largest", question, re.I):
        s, fig = max(found, key=lambda x: float(number(x[1])))
        text = c.say("maximum", name=leaf(s), figure=fig, mark=f"[{pos[s.id]}]", parts=parts)
    else:
        text = c.say("sum", parts=parts, expression=expression, total=total, unit=suffix, marks=marks)
    if missing:
        text += c.say("sum_missing", names="、".join(missing), what=c.say("what_money" if unit == "money" else "what_projects"))
    return Draft(text, allp, Intent.AGGREGATE)


def ratio(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """An average per project or a section's share of the total, of one named section,
    computed from the quoted figures and written out so that it is verified like a sum."""
    average = pattern("average").search(question)
    if not average and not pattern("share").search(question):
        return None
    money, projects = c.figure_pattern("money"), c.figure_pattern("projects")
    named = c.named(question, passages, by_synonym=True)
    if len(named) != 1 or money is None:
        return None
    rc = named[0]
    pos = passages.index(rc) + 1
    spent = money.search(rc.chunk.text)
    if spent is None:
        return None
    a = number(spent.group(0))
    unit = unit_of_figure(spent.group(0))
    if average:
        count = projects.search(rc.chunk.text) if projects is not None else None
        if count is None:
            return None
        b = number(count.group(0))
        value = str(rounded(Decimal(a) / Decimal(b), 2))
        text = c.say(
            "average", name=leaf(rc.chunk), money=spent.group(0), count=count.group(0),
            expression=f"{a}÷{b}", value=value, unit=unit, mark=f"[{pos}]",
        )
        return Draft(text, passages, Intent.AGGREGATE)
    if len(rc.chunk.section_path) < 2:
        return None
    siblings = [s for s in c.vocab.children[strip_numbering(rc.chunk.section_path[0])] if money.search(s.text)]
    if len(siblings) < 2 or rc.chunk.id not in {s.id for s in siblings}:
        return None
    found = same_unit([(s, money.search(s.text).group(0)) for s in siblings])  # type: ignore[union-attr]
    if rc.chunk.id not in {s.id for s, _ in found}:
        return None
    allp, at = with_chunks(passages, [s for s, _ in found])
    parts, expression, total, marks = written_sum(found, at)
    share = str(rounded(Decimal(a) / Decimal(total) * 100, 1))
    text = c.say("share", parts=parts, expression=expression, total=total, unit=unit, name=leaf(rc.chunk), a=a, share=share, marks=marks)
    return Draft(text, allp, Intent.AGGREGATE)


__all__ = ["aggregate", "number", "ratio", "written_sum"]
