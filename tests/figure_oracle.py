"""An oracle for the figures of an answer, written for the tests and independent of
``assistant.citations`` (the code under test): the expected figures come from the corpus
text and from the Q&A items of ``eval/qa.jsonl``, and arithmetic is redone here with
exact fractions.

A figure of an answer is supported when
- it stands as a whole number in the text of a passage the answer cites (12.74 is not
  in 112.745, 七个 not in 二十七个), or
- it is the result of a sum, difference or quotient written out in the answer
  (``a+b=c``, ``a÷b≈c``, ``≈c%``) whose operands are cited figures or earlier results and
  whose result is right (a quotient as rounded), or
- it is the count ``共N…：`` of a list of N items that follows it, each item cited, or
- it is one of the ``allowed`` figures the caller names (the Q&A item's computed facts,
  the deployment's identity in a refusal)."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_MARKER = re.compile(r"\[(\d{1,3})\]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
_CN_DIGIT = "一二两三四五六七八九十百千"
# a counted Chinese numeral (七个, 两大, 十四项); not 唯一项, 第一个, 统一、同一, 一次性 (one-off) …
_CN_COUNT = re.compile(rf"(?<![唯第统同单逐之某万{_CN_DIGIT}])[{_CN_DIGIT}]+(?=[个项大方类条次种批](?!性))")
_CN_UNIT = "个项大方类条次种批"
_EXPR = re.compile(r"(\d+(?:\.\d+)?(?:\s*[+\-−]\s*\d+(?:\.\d+)?)+)\s*=\s*(\d+(?:\.\d+)?)")
_DIV = re.compile(r"(\d+(?:\.\d+)?)\s*÷\s*(\d+(?:\.\d+)?)\s*[≈=]\s*(\d+(?:\.\d+)?)(%?)")
_COUNT = re.compile(r"共(\d+)(?:个)?[\u4e00-\u9fff]{0,3}[：:]([^。；\n]*)")


def figures_of(text: str) -> list[str]:
    """Arabic figures (with % when written) and counted Chinese numerals with their measure word."""
    plain = _MARKER.sub(" ", text)
    chinese = [m.group(0) + plain[m.end()] for m in _CN_COUNT.finditer(plain)]
    return _NUMBER.findall(plain) + chinese


def stands_in(figure: str, text: str) -> bool:
    """``figure`` as a whole number in ``text``."""
    if figure[-1] in _CN_UNIT:
        return re.search(rf"(?<![{_CN_DIGIT}]){re.escape(figure)}", text) is not None
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?!\d|\.\d)", text) is not None


def _rounds_to(value: Fraction, written: str) -> bool:
    places = len(written.split(".")[1]) if "." in written else 0
    return abs(value - Fraction(written)) <= Fraction(1, 2 * 10**places)


def computed(text: str, known: set[str]) -> set[str]:
    """Results of the arithmetic written out in ``text`` that is right, from ``known`` figures."""
    plain = _MARKER.sub(" ", text)
    out: set[str] = set()
    for m in _EXPR.finditer(plain):
        terms = re.findall(r"([+\-−]?)\s*(\d+(?:\.\d+)?)", m.group(1))
        if all(n in known | out for _, n in terms):
            total = sum(Fraction(n) * (-1 if s in "-−" and s else 1) for s, n in terms)
            if total == Fraction(m.group(2)):
                out.add(m.group(2))
    for m in _DIV.finditer(plain):
        a, b, result, percent = m.groups()
        if a in known | out and b in known | out and Fraction(b):
            if _rounds_to(Fraction(a) / Fraction(b) * (100 if percent else 1), result):
                out.add(result + percent)
    return out


def listed_counts(text: str) -> set[str]:
    """``共N个方面：甲[1]、乙[2]…``: N when exactly N items follow, each with a marker."""
    out = set()
    for m in _COUNT.finditer(text):
        items = [i for i in re.split(r"[、，]", m.group(2)) if i.strip()]
        if items and all(_MARKER.search(i) for i in items) and len(items) == int(m.group(1)):
            out.add(m.group(1))
    return out


def _claims(text: str) -> list[tuple[str, list[int]]]:
    """The text cut after each run of markers: (the words before, the markers that cite them)."""
    out: list[tuple[str, list[int]]] = []
    pos = 0
    for m in re.finditer(r"(?:\[\d{1,3}\])+", text):
        out.append((text[pos:m.start()], [int(n) for n in _MARKER.findall(m.group(0))]))
        pos = m.end()
    tail = re.sub(r"[（(][^（）()]*[)）]", "", text[pos:])  # a closing note holds no figure of its own
    out.append((tail, []))
    return out


def unsupported(text: str, cited: dict[int, str], allowed: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """The figures of ``text`` that nothing supports (empty when the answer is sound).

    A figure is looked up in the passages cited by the next markers after it; a
    result of arithmetic or a count also in the whole text's cited passages."""
    every = " ".join(cited.values())
    known = {f for f in figures_of(text) if stands_in(f, every)}
    derived = computed(text, known) | listed_counts(text)
    bad = []
    for words, markers in _claims(text):
        sources = " ".join(cited.get(n, "") for n in markers)
        for f in figures_of(words):
            if stands_in(f, sources) or f in allowed or (f in derived and markers):
                continue
            bad.append(f)
    return bad


# ----------------------------------------------------------------------------- the Q&A data
def qa_items(name: str = "qa.jsonl") -> list[dict]:
    path = ROOT / "eval" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def expected_figures(item: dict) -> set[str]:
    """The figures the Q&A item's expected facts state (21.75亿 → 21.75, 5个 → 5)."""
    return {f for group in item["expected_facts"] for alt in group for f in _NUMBER.findall(alt)}


def computed_figures(items: list[dict]) -> set[str]:
    """Every figure the aggregate items expect: the human-written results of sums,
    differences, shares, averages and counts (and the figures they are made of)."""
    return {f for it in items if it["category"] == "aggregate" for f in expected_figures(it)}
