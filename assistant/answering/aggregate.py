"""Figures over several sections or clauses: totals, differences, multiples and the
largest, each written out from the quoted figures (2.64+12.74=15.38, 12.74÷6.37≈2) so that
the verification checks it like any figure. Ratios of one section: :mod:`.shares`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from ..citations import decimals, rounded
from ..lexicon import pattern, words
from ..text import CN_NUMERAL, cn_number
from ..types import Chunk, RetrievedChunk
from .compose import Composer, Draft, with_chunks
from .figures import figure
from .in_words import figure_in_words
from .scoring import clauses, end, sentences
from .understanding import DIFFERENCE, MAXIMA, MULTIPLE, TOTAL, Intent, asked_measure, asks, measure_named, question_clauses, unit_of
from .vocabulary import GENERIC_WORDS, YEAR, leaf


#: words every section of a list of figures shares; they single out none (data/lexicon/figure_words.txt)
FIGURE_WORDS = words("figure_words")
_NUM = re.compile(rf"\d+(?:\.\d+)?|[{CN_NUMERAL}]+")


def numeral(figure: str) -> str:
    m = _NUM.match(figure)
    assert m is not None, figure
    return m.group(0)


def number(figure: str) -> str:
    """The number of a quoted figure, in digits: 12.74亿元 → 12.74, 14个项目 → 14, 二百米 → 200."""
    written = numeral(figure)
    return written if written[0].isdigit() else str(cn_number(written))


def plain(value: Decimal) -> str:
    """A rounded value without its trailing zeros (2.00 → 2, 4.50 → 4.5): the same value
    to fewer places, as the verification checks it."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def unit_of_figure(figure: str) -> str:
    """What follows the number: 12.74亿元 → 亿元, 五十万元 → 元."""
    return figure[len(numeral(figure)):]


Part = tuple[str, tuple[Chunk, ...]]  # a subsection's name and its chunks


def sum_of(values: Sequence[str]) -> str:
    """The sum of numbers at their most decimals (2.64+12.74+6.37 → 21.75)."""
    places = max(decimals(v) for v in values)
    return f"{round(sum(float(v) for v in values), places):.{places}f}"


def difference(a: str, b: str) -> str:
    """``a`` minus ``b`` at their most decimals (12.74-2.64 → 10.10)."""
    return f"{float(a) - float(b):.{max(decimals(a), decimals(b))}f}"


def said_difference(c: Composer, a: str, b: str, fa: str, fb: str, unit: str, marks: str) -> str:
    """“a, b, 前者多 fa-fb=…” for the figures ``fa`` > ``fb`` (each written with its unit),
    ``a`` and ``b`` being how the answer names them, with their markers."""
    return c.say("difference", a=a, b=b, expression=f"{number(fa)}-{number(fb)}",
                 result=difference(number(fa), number(fb)), unit=unit, marks=marks)


def said_multiple(c: Composer, a: str, b: str, fa: str, fb: str, marks: str) -> str:
    """“a, b, 前者约是后者的 fa÷fb≈…倍” for the figures ``fa`` and ``fb``, ``a`` and ``b`` being
    how the answer names them, with their markers."""
    result = plain(rounded(Decimal(number(fa)) / Decimal(number(fb)), 2))
    return c.say("multiple", a=a, b=b, expression=f"{number(fa)}÷{number(fb)}", result=result, marks=marks)


def written_sum(found: Sequence[tuple[str, Chunk, str]], at: dict[str, int]) -> tuple[str, str, str, str]:
    """For quoted figures of several sections (name, the chunk stating it, figure): the cited
    list (…2.64亿元[1]、…), the written-out sum (2.64+12.74+6.37), its result (at the
    operands' decimals) and the markers of all the figures."""
    values = [number(fig) for _, _, fig in found]
    parts = "、".join(f"{name}{fig}[{at[c.id]}]" for name, c, fig in found)
    marks = "".join(f"[{at[c.id]}]" for _, c, _ in found)
    return parts, "+".join(values), sum_of(values), marks


def in_magnitude(fa: str, fb: str) -> tuple[str, str]:
    """Two figures written in words in 万 or 亿 (一百万元, 五十万元) as numbers of that magnitude
    (100万元, 50万元): their difference is then said as the documents count (50万元)."""
    na, nb = numeral(fa), numeral(fb)
    magnitude = na[-1:]
    if magnitude not in ("万", "亿") or nb[-1:] != magnitude or na[0].isdigit() or nb[0].isdigit():
        return fa, fb
    a, b = cn_number(na[:-1]), cn_number(nb[:-1])
    if not a or not b:
        return fa, fb
    return f"{a}{magnitude}{unit_of_figure(fa)}", f"{b}{magnitude}{unit_of_figure(fb)}"


def figures_of(c: Composer, parts: Sequence[Part], unit: str) -> tuple[list[tuple[str, Chunk, str]], list[str]]:
    """Each part's own figure of ``unit`` (with the chunk stating it), in the unit most of
    them are in, and the names of the parts without one."""
    found: list[tuple[str, Chunk, str]] = []
    for name, chunks in parts:
        fig = c.own_figure(chunks, unit)
        if fig is not None:
            found.append((name, next(ch for ch in chunks if fig in ch.text), fig))
    units = [unit_of_figure(f) for _, _, f in found]
    common = max(set(units), key=units.count) if units else ""
    found = [f for f in found if unit_of_figure(f[2]) == common]
    have = {name for name, _, _ in found}
    return found, [name for name, _ in parts if name not in have]


def focus(c: Composer, question: str, parts: Sequence[Part]) -> Part | None:
    """The part whose text holds the question's own words: at least two of them, and twice
    as many as any other part holds."""
    own = {t for t in c.scorer.qtokens(question) if len(t) >= 2} - GENERIC_WORDS - FIGURE_WORDS
    texts = ["\n".join(ch.text for ch in chunks) for _, chunks in parts]
    hits = sorted(((sum(w in t for w in own), k) for k, t in enumerate(texts)), reverse=True)
    if not hits or hits[0][0] < 2 or (len(hits) > 1 and hits[0][0] < 2 * hits[1][0]):
        return None
    return parts[hits[0][1]]


def aggregate(c: Composer, question: str, passages: tuple[RetrievedChunk, ...], query_vector=None) -> Draft | None:  # type: ignore[no-untyped-def]
    """A total, difference or maximum over the figures of a heading's subsections, else over
    the figures the question's words single out in clauses of the first passages."""
    draft = over_sections(c, question, passages)
    if draft is None or draft.intent is Intent.NOT_STATED:
        return over_clauses(c, question, passages) or draft
    return draft


def over_clauses(c: Composer, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
    """Two to four figures, each in the one clause of the first passages that holds a word of
    the question (in the clause or its section's name) and a single figure (金牌的…奖励15万元，
    …铜牌的…奖励8万元), all in one unit: their difference when asked, else their sum. A
    difference or total the words cannot single out is taken from the one sentence that states
    two such figures (上限60平方米，以40平方米为主; 分别给予20万元、10万元)."""
    measure = asked_measure(question)
    # years differ in years (相差几年: 2035年 and 2027年); a year is no figure otherwise
    stated = _YEARS if measure == "年" and DIFFERENCE.search(question) else stated_figures(c, question)
    if stated is None or MAXIMA.search(question):
        return None
    multiple = MULTIPLE.search(question) is not None  # 是…的几倍: one figure over the other
    two = multiple or DIFFERENCE.search(question) is not None  # a pair of figures, compared
    found: list[tuple[str, int, str, str]] = []  # (clause, passage position, figure, sentence)
    #: the clauses since the sentence's last figure, before a figure's own: the case it is of
    #: (经评估为重度失能的，每人每月增加护理资助200元)
    leads: dict[tuple[str, int, str, str], str] = {}
    for pos, rc in enumerate(passages[:3]):
        for s in sentences(rc.chunk.text):
            lead = ""
            for clause in clauses(s):
                figs = list(dict.fromkeys(m.group(0) for m in stated.finditer(clause)))
                if not figs:
                    lead += clause
                    continue
                if len(figs) == 1:
                    found.append((end(clause), pos, figs[0], s))
                    leads[found[-1]] = lead
                elif len(figs) == 2 and "分别" in s and len({unit_of_figure(f) for f in figs}) == 1:
                    found += [(end(clause), pos, f, s) for f in figs]  # 上下限分别按0.4元、0.2元: a pair
                lead = ""
    found = [f for f in found if _in_measure(f[2], measure)] or found
    asked = unit_of(question)
    kind = c.figure_pattern(asked) if asked in ("money", "projects", "indicators") else None
    if kind is not None:  # 投资多少 is summed over amounts, not over the projects counted next to them
        found = [f for f in found if kind.search(f[2])]
    def context_of(f: tuple[str, int, str, str]) -> str:  # its section's name and its clause
        return leaf(passages[f[1]].chunk) + f[0]

    context = {f: context_of(f) for f in found}
    own = sorted((t for t in c.scorer.qtokens(question) if len(t) >= 2 and t in question and t not in GENERIC_WORDS | FIGURE_WORDS), key=question.find)
    picked = _single_out(own, found, context)
    if len(picked) < 2 and (two or TOTAL.search(question)):
        # a total only of the two figures one clause gives 分别 (奖励20万元、10万元); a threshold
        # and its reward (投资1000万元以上的，奖励10万元) add up to nothing
        pairs = found if two else [f for f in found if sum(g[0] == f[0] and g[3] == f[3] for g in found) == 2]
        picked = _pair_in_a_sentence(c, question, pairs) or picked
    if len(picked) < 2 and any(leads.values()):  # then the words of the cases the figures are of
        cased = _single_out(own, found, {f: context[f] + leads.get(f, "") for f in found})
        if len(cased) >= 2:  # each quoted with its case
            picked = [(leads.get(f, "") + f[0], *f[1:]) for f in cased]
            context = {f: context_of(f) for f in picked}
    units = {unit_of_figure(fig) for _, _, fig, _ in picked}
    if not 2 <= len(picked) <= 4 or len(units) != 1 or (len(picked) != 2 and two):
        return None
    if multiple and next(iter(units)).endswith("倍"):
        return None  # multiples stated (按…的1.5倍计租): the figure answers, no ratio of them
    if unsaid_quantity(c, question, [f"{context[f]} {f[3]}" for f in picked], [f[2] for f in picked]) is not None:
        return None  # figures of something else than the quantity asked
    unit = units.pop()
    marks = "".join(dict.fromkeys(f"[{pos + 1}]" for _, pos, _, _ in picked))
    if multiple:
        return _multiple_of_clauses(c, question, picked, context, own, passages, marks)
    if DIFFERENCE.search(question):
        (ca, pa, fa, _), (cb, pb, fb, _) = sorted(picked, key=lambda x: -float(number(x[2])))
        if ca == cb:  # two figures of one clause: named by themselves
            ca, cb = fa, fb
        # two shares differ by percentage points: 7.2%与3%相差4.2个百分点; two years by years
        shown = "个百分点" if unit in ("%", "％") else unit
        text = said_difference(c, f"{ca}[{pa + 1}]", f"{cb}[{pb + 1}]", fa, fb, shown, marks)
        return Draft(text, passages, Intent.AGGREGATE)
    values = [number(fig) for _, _, fig, _ in picked]
    shared = len({cl for cl, _, _, _ in picked}) < len(picked)
    listed = "、".join(f"{fig if shared else cl}[{pos + 1}]" for cl, pos, fig, _ in picked)
    return Draft(c.say("sum", parts=listed, expression="+".join(values), total=sum_of(values), unit=unit, marks=marks), passages, Intent.AGGREGATE)


def _multiple_of_clauses(
    c: Composer, question: str, picked: Sequence[tuple[str, int, str, str]], context: dict[tuple[str, int, str, str], str],
    own: Sequence[str], passages: tuple[RetrievedChunk, ...], marks: str,
) -> Draft | None:
    """How many times one of two figures of clauses is the other (特困人员…240元, 其他申请人
    …120元 → 240÷120=2): the one named before 是 in the clause asking it (…，A是它的几倍) over
    the other, else the one the question names first (A…，是B的几倍); the larger over the
    smaller when its words single out neither."""
    def named_at(f: tuple[str, int, str, str], text: str) -> int:
        hits = [text.find(w) for w in own if w in context[f] and w in text]
        return min(hits) if hits else len(text)

    asked = MULTIPLE.search(question)
    assert asked is not None  # called for a question asking a multiple
    asking = question_clauses(question[: asked.start()])[-1]
    subject = asking.split("是")[0] if "是" in asking else ""
    first, second = sorted(picked, key=lambda f: -float(number(f[2])))
    ahead = [f for f in (first, second) if subject and named_at(f, subject) < len(subject)]
    if len(ahead) == 1:
        first, second = ahead[0], (second if ahead[0] is first else first)
    elif named_at(second, question) < named_at(first, question):
        first, second = second, first
    (ca, pa, fa, _), (cb, pb, fb, _) = first, second
    if float(number(fb)) == 0:
        return None
    if ca == cb:  # two figures of one clause: named by themselves
        ca, cb = fa, fb
    return Draft(said_multiple(c, f"{ca}[{pa + 1}]", f"{cb}[{pb + 1}]", fa, fb, marks), passages, Intent.AGGREGATE)


#: a figure and the unit it is written in, whatever the unit (20万千瓦 → 万千瓦)
_FIGURE_UNIT = re.compile(r"(?<![\d.])\d+(?:\.\d+)?([^\d\s，,。；;、：:（）()“”]{1,5})")
#: what may stand between a quantity and its figure (规模为20万千瓦, 上限不超过60平方米)
_STATED_AS = "(?:为|是|达到|达|约|共|合计|总计|不超过|不低于|不少于|以上|以内)?"


def unsaid_quantity(c: Composer, question: str, said: Sequence[str], figures: Sequence[str]) -> str | None:
    """The quantity a total or difference is asked of (填谷规模加起来 → 规模) when the documents
    state figures of it, none in the unit of the ``figures`` picked, and none of the texts
    ``said`` of those names it: they are figures of something else (the two modes' prices,
    not their 规模), and adding them answers nothing."""
    m = TOTAL.search(question) or DIFFERENCE.search(question)
    if m is None:
        return None
    words = [t for t in c.scorer.tokenize(question[: m.start()]) if len(t) >= 2]
    if not words or words[-1] in GENERIC_WORDS | FIGURE_WORDS or any(words[-1] in s for s in said):
        return None
    quantity = words[-1]
    stated = {f.group(1)[:2] for q in re.finditer(re.escape(quantity) + _STATED_AS, c.vocab.text)
              if (f := _FIGURE_UNIT.match(c.vocab.text, q.end()))}
    return quantity if stated and not stated & {unit_of_figure(f)[:2] for f in figures} else None


_YEARS = re.compile(YEAR.pattern + "年")  # a year as a figure (2035年)


def stated_figures(c: Composer, question: str) -> re.Pattern[str] | None:
    """The figures a total or difference is taken over: in digits with a unit of the corpus,
    or in words with a unit of measure, in the one the question asks (多多少米; 几倍 asks none)."""
    named = measure_named(question)
    forms = [p.pattern for p in (c.vocab.any_figure, figure_in_words(c.vocab, None if named == "倍" else named)) if p]
    return re.compile("|".join(forms)) if forms else None


def _in_measure(figure: str, measure: str | None) -> bool:
    """Is ``figure`` in the asked measure? A year (2027年) is in 年 too: years differ in years."""
    return measure is not None and unit_of_figure(figure).startswith(measure[:2])


def _single_out(
    words: Sequence[str], found: Sequence[tuple[str, int, str, str]], context: dict[tuple[str, int, str, str], str],
) -> list[tuple[str, int, str, str]]:
    """The figures each singled out by a word of the question: the one whose context holds it."""
    picked: list[tuple[str, int, str, str]] = []
    for word in words:
        hits = [f for f in found if word in context[f]]
        if len(hits) == 1 and hits[0] not in picked:
            picked.append(hits[0])
    return picked


def _pair_in_a_sentence(c: Composer, question: str, found: Sequence[tuple[str, int, str, str]]) -> list[tuple[str, int, str, str]]:
    """The two figures of one unit that make up the single-figure clauses of the sentence
    sharing most words with the question; empty when no sentence has exactly two."""
    q = c.scorer.qtokens(question)
    by_sentence: dict[tuple[int, str], list[tuple[str, int, str, str]]] = {}
    for f in found:
        by_sentence.setdefault((f[1], f[3]), []).append(f)
    pairs = [(c.scorer.overlap(q, s), fs) for (_, s), fs in by_sentence.items()
             if len(fs) == 2 and len({unit_of_figure(x[2]) for x in fs}) == 1 and fs[0][2] != fs[1][2]]
    return max(pairs, key=lambda p: p[0])[1] if pairs and max(p[0] for p in pairs) > 0 else []


def over_sections(c: Composer, question: str, passages: tuple[RetrievedChunk, ...]) -> Draft | None:
    # …一共多少个项目 over the fields with money: the projects are counted, the money only selects
    unit = "projects" if asks("projects").search(question) else unit_of(question) or "money"
    if unit == "count":
        return figure(c, question, passages)
    wanted = c.figure_pattern(unit) if unit in ("money", "projects") else None
    if wanted is None:
        return None
    # the heading whose subsections state this kind of figure, each its own
    heads = [h for p in passages for h in c.vocab.ancestors(p.chunk)]
    counts = {h: c.stating(h, unit) for h in dict.fromkeys(heads)}
    if not counts or max(counts.values()) < 2:  # then the headings no passage reached
        heads += [h for h in c.vocab.children if h not in counts]
        counts = {h: c.stating(h, unit) for h in dict.fromkeys(heads)}
    if not counts or max(counts.values()) < 2:
        return None
    order = list(counts)
    heading = max(order, key=lambda h: (counts[h], -order.index(h)))
    parts = c.vocab.parts(heading)
    named = [p for p in parts if any(n in question for n in c.vocab.forms.get(p[0], (p[0],)))]
    if len(named) < 2 and not MAXIMA.search(question):
        one = focus(c, question, parts)
        if one is not None:  # the projects of one section: its own figure
            ids = {ch.id for ch in one[1]}
            own = tuple(p for p in passages if p.id in ids) or tuple(RetrievedChunk(ch, 0.0, 0) for ch in one[1])
            return figure(c, question, own)
    group = named if len(named) >= 2 else parts
    if unit == "projects" and re.search(r"(?:有|明确|列出|列了|写了)(?:的)?投资额|有投资的", question):
        group = [p for p in group if c.own_figure(p[1], "money")]
    found, missing = figures_of(c, group, unit)
    if len(found) < 2 or len(missing) > len(found):  # not a list of figures to add up
        return None
    allp, pos = with_chunks(passages, [ch for _, ch, _ in found])
    listed, expression, total, marks = written_sum(found, pos)
    suffix = unit_of_figure(found[0][2])
    if len(found) == 2 and MULTIPLE.search(question):
        return _multiple(c, question, found, allp, pos)
    if len(found) == 2 and DIFFERENCE.search(question):
        (na, a, fa), (nb, b, fb) = sorted(found, key=lambda x: -float(number(x[2])))
        text = said_difference(c, f"{na}{fa}[{pos[a.id]}]", f"{nb}{fb}[{pos[b.id]}]", fa, fb, suffix, f"[{pos[a.id]}][{pos[b.id]}]")
        return Draft(text, allp, Intent.AGGREGATE)
    most, least = pattern("most").search(question), pattern("least").search(question)
    if most or least:  # which part has the most, the least, or both
        said = []
        for wanted, key, pick in ((most, "maximum", max), (least, "minimum", min)):
            if wanted:
                name, chunk, fig = pick(found, key=lambda x: float(number(x[2])))
                said.append(c.say(key, name=name, figure=fig, mark=f"[{pos[chunk.id]}]"))
        text = c.say("extremes", said="；".join(said), parts=listed)
    else:
        text = c.say("sum", parts=listed, expression=expression, total=total, unit=suffix, marks=marks)
    if missing:
        text += c.say("sum_missing", names="、".join(missing), what=c.say("what_money" if unit == "money" else "what_projects"))
    return Draft(text, allp, Intent.AGGREGATE)


def _multiple(
    c: Composer, question: str, found: Sequence[tuple[str, Chunk, str]], allp: tuple[RetrievedChunk, ...], pos: dict[str, int],
) -> Draft:
    """How many times the first-named figure is the other: ``12.74÷2.64≈4.83``."""
    def mentioned(name: str) -> int:
        hits = [question.find(f) for f in c.vocab.forms.get(name, (name,)) + (name,) if f in question]
        return min(hits) if hits else len(question)

    (na, a, fa), (nb, b, fb) = sorted(found, key=lambda x: mentioned(x[0]))
    text = said_multiple(c, f"{na}{fa}[{pos[a.id]}]", f"{nb}{fb}[{pos[b.id]}]", fa, fb, f"[{pos[a.id]}][{pos[b.id]}]")
    return Draft(text, allp, Intent.AGGREGATE)


__all__ = [
    "aggregate", "figures_of", "in_magnitude", "number", "numeral", "over_clauses", "over_sections", "plain", "said_difference", "stated_figures",
    "unit_of_figure", "unsaid_quantity", "written_sum",
]
