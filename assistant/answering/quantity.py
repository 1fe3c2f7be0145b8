"""The quantity a figure question asks for (年利率是多少, 储备规模是多少吨, 2022年…达到了多少):
a drafted answer whose text never names it, or names other years than the one asked, states
the figure of something else, and the question is not answered by it. Only a quantity the
corpus names counts (an unknown one is the coverage decision's). Nothing here knows a document."""

from __future__ import annotations

import re

from ..identity import DOCUMENT_KINDS
from ..lexicon import words
from ..text import CN_DIGITS, cjk_ratio
from .coverage import ABSTRACT_NOUNS
from .understanding import question_clauses
from .vocabulary import GENERIC_WORDS, YEAR, Vocabulary

_ASKS = re.compile(r"多少|几(?![乎])")
#: words between a quantity and 多少 that leave it the quantity (规模是多少, 利率为多少)
_LINKS = frozenset({"是", "为", "有", "的", "具体", "大概", "大约", "约"})
#: abstract heads of a measured quantity (优惠租金标准, 报销比例): what they measure is named before
#: them (data/lexicon/measure_heads.txt)
_HEADS = words("measure_heads")


def asked_quantity(question: str, posseg, vocab: Vocabulary) -> str | None:  # type: ignore[no-untyped-def]
    """The noun a figure question measures, next to 多少: right after it (多少保管费) or right
    before it, across 是/为/有/具体 and adverbs (储备规模是多少吨, 年利率究竟是多少); only a noun of the corpus,
    not a generic or abstract one. None when a verb stands there (投资多少, 投了多少钱): the
    verb says what is measured, and the corpus may say it in other words."""
    tokens = [(w, f) for w, f in posseg.cut(question) if w.strip()]
    at = next((k for k, (w, _) in enumerate(tokens) if _ASKS.fullmatch(w) or w.startswith(("多少", "几"))), None)
    if at is None:
        return None
    # 多少保管费 names the quantity; 几个乡镇 counts things, which the count's measure checks
    candidates = tokens[at + 1: at + 2] if tokens[at][0] in ("多少", "几") else []
    k = at - 1
    while k >= 0 and (tokens[k][0] in _LINKS or tokens[k][1].startswith("d") or tokens[k][0].startswith("每")):
        k -= 1  # and adverbs (月平均工资到底是多少) and the unit of a rate (每平方米每月多少钱)
    candidates += tokens[k: k + 1] if k >= 0 else []
    for word, flag in candidates:
        if (flag.startswith("n") and len(word) >= 2 and word not in GENERIC_WORDS and word not in ABSTRACT_NOUNS
                and vocab.known(word) and not vocab.is_place(word)):
            return word
    if k >= 1 and tokens[k][0] in _HEADS:  # 优惠租金标准是多少: the rent the 标准 is of
        qualifier = ""
        for word, flag in reversed(tokens[max(0, k - 3) : k]):
            if not flag.startswith(("n", "vn", "v", "a")) or word in GENERIC_WORDS or vocab.is_place(word):
                break
            qualifier = word + qualifier
        if len(qualifier) >= 2 and qualifier in vocab.text:
            return qualifier
    return None


def other_quantity(question: str, text: str, posseg, vocab: Vocabulary) -> str | None:  # type: ignore[no-untyped-def]
    """What the figure question asks that ``text`` (a drafted answer) is not about: the asked
    quantity when the text names neither it nor its head (利率 of 年利率), or a year of the
    question when the text names other years; None when the text may answer it."""
    if cjk_ratio(question) < 0.3 or not _ASKS.search(question):
        return None
    asked_years = set(YEAR.findall(question))
    said_years = set(YEAR.findall(text))
    if asked_years and said_years and not asked_years & said_years:
        return "、".join(sorted(asked_years))
    word = asked_quantity(question, posseg, vocab)
    if word is None or word in text or (len(word) >= 3 and word[-2:] in text) or word in vocab.stated_parts:
        return None  # a part of the document (文号) is stated without its name: 穗府办规〔2021〕7号
    return word


#: a name a question quotes (“四长治河”新模式每年投入多少)
_QUOTED = re.compile(r"[“\"「『]([^“”\"「」『』]{2,16})[”\"」』]")


def unnamed_quote(question: str, text: str, vocab: Vocabulary) -> str | None:
    """A name the figure question quotes and the corpus writes, when ``text`` (a drafted
    answer) names none of the quoted names: its figure is another thing's. None otherwise."""
    quoted = [q for q in _QUOTED.findall(question) if q in vocab.text]
    if not quoted or any(q in text for q in quoted):
        return None
    return quoted[0]


#: a document's own term of validity (本细则自印发之日起施行，有效期5年)
_OWN_TERM = re.compile("本(?:" + "|".join(DOCUMENT_KINDS) + ")[^。；]{0,24}有效期")
#: what may name the document itself before 有效期 (这个办法, 它, 文件)
_ITSELF = re.compile("|".join((*DOCUMENT_KINDS, "文件", "本", "这", "该", "它", "其")))


def term_of_another(question: str, answer: str) -> str | None:
    """The thing a question asks the term of validity of (电子卡的有效期是多久), when it is not
    the document and the answer quotes only the document's own term (本办法…有效期5年): that
    term is no answer about the thing."""
    at = question.find("有效期")
    if at < 0 or not _OWN_TERM.search(answer):
        return None
    clause = question_clauses(question[:at])[-1]
    subject = re.sub(r"的$", "", clause).strip()
    if len(subject) < 2 or _ITSELF.search(subject) or subject in answer:
        return None
    return subject


#: a count of a unit of time a question asks (公示几天, 交几个月的租金, 有效期是几年), and the
#: figures that state one: of days (or a finer unit, or weeks), of months, of years (or months).
#: Not 头几年, 好几年 or 哪几年 (which years: 2024年), which ask no count, and no year of the
#: calendar (2025年) as a count of years
_NUMERAL = f"[\\d{CN_DIGITS}两十百半]"
TIME_COUNTS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("what_days", re.compile(r"(?<![头前后近这那好哪])(?:几|多少)个?(?:天|工作日)"), re.compile(rf"(?<![月\d{CN_DIGITS}两十百半]){_NUMERAL}+个?(?:天|日|工作日|周(?!岁)|小时)")),  # not a date's day (4月13日)
    ("what_months", re.compile(r"(?<![头前后近这那好哪])(?:几|多少)个月"), re.compile(rf"{_NUMERAL}+个?月")),
    ("what_years", re.compile(r"(?<![头前后近这那好哪])(?:几|多少)年(?![级代度])"),
     re.compile(rf"(?<!\d)(?!(?:19|20)\d\d年){_NUMERAL}{{1,3}}(?:年(?![级度])|个月)")),
)


_CALENDAR_YEAR = re.compile(YEAR.pattern + "(?=年)")  # 2027年, not 2027 alone


def uncounted_time(question: str, text: str) -> str | None:
    """The wording key of the unit of time a question asks a count of (公示几天) when ``text``
    (a drafted answer) states no figure in it: its figures are of something else (an age,
    a contract's years), and the question is not answered by it. None otherwise, and for a
    count of years when the text states two years of the calendar."""
    for what, asks, states in TIME_COUNTS:
        if not asks.search(question) or states.search(text):
            continue
        if what == "what_years" and len(set(_CALENDAR_YEAR.findall(text))) >= 2:
            continue  # 到2027年 … 到2035年: the years between two stated ones, which the reader sees
        return what
    return None


__all__ = ["TIME_COUNTS", "asked_quantity", "other_quantity", "term_of_another", "uncounted_time", "unnamed_quote"]
