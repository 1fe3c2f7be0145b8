"""Unit cases for ``assistant.citations.verify``: every rule it has, each with a case that
must be accepted and one that must be rejected. The passages are written out here (the
test's own oracle), so a ``verify`` that accepts everything, or rejects everything, fails.

Rules: a figure stands verbatim (as a whole number) in a passage its sentence cites; a
sentence with no marker after it cites nothing; a sum or difference written out from
verified operands and exactly right; a quotient or share right as rounded; a count
followed by the list it counts, a marker on every item; counted Chinese numerals
(七个、两大) verbatim and whole; a measure in words (二百米) as its value in digits; markers that point to no passage are dangling."""

from __future__ import annotations

import pytest

from assistant.citations import figures, renumber, verify

PASSAGES = {
    1: "生态安全领域涉及14个项目，项目包括中小河流治理工程等，共投资12.74亿元。",
    2: "生态经济领域涉及3个项目，共投资2.64亿元。",
    3: "生态文化领域涉及3个项目，共投资6.37亿元。",
    4: "现从指导思想、规划原则等七个方面对《规划》的总体情况进行解读。",
    5: "充分发挥省级边境经济合作区和鸭绿江经济带两大平台载体作用。",
    6: "全省共设置了二十七个考核点，总投资112.745亿元，到2035年完成。",
    7: "组织领导。",
    8: "监督考核。",
    9: "资金统筹。",
    10: "禁止在公路用地外缘起向外五十米、桥梁周围二百米范围内采石，违者处一万元以上十万元以下罚款。",
}


def ok(text: str) -> bool:
    return verify(text, PASSAGES).ok


CASES = [
    # a figure verbatim in the passage its sentence cites
    ("verbatim", "生态安全领域共投资12.74亿元[1]。", True),
    ("verbatim-two-markers", "合计投资12.74亿元和2.64亿元[1][2]。", True),
    ("invented-figure", "生态安全领域共投资12.75亿元[1]。", False),
    ("figure-of-another-passage", "生态安全领域共投资12.74亿元[2]。", False),  # 2 does not state it
    ("year-not-cited", "到2035年完成[1]。", False),
    ("year-cited", "到2035年完成[6]。", True),
    # whole numbers only: 12.74 is not in 112.745, 112.74 neither, 12 not in 12.74
    ("substring-of-a-longer-number", "总投资12.74亿元[6]。", False),
    ("prefix-of-a-longer-number", "总投资112.74亿元[6]。", False),
    ("integer-part-only", "共投资12亿元[1]。", False),
    ("longer-number-itself", "总投资112.745亿元[6]。", True),
    ("percent-not-stated", "占12.74%[1]。", False),
    # markers: a figure with no marker after it cites nothing
    ("no-marker-at-all", "生态安全领域共投资12.74亿元。", False),
    ("after-the-last-marker", "生态安全领域共投资12.74亿元[1]，生态经济领域2.64亿元。", False),
    ("grouped-with-the-next-marker", "生态经济领域共投资2.64亿元。其项目有3个[2]。", True),
    ("grouped-but-not-cited", "生态经济领域共投资2.64亿元。生态安全领域有14个项目[1]。", False),
    # a closing quote after the full stop ends the sentence with it: its marker cites that sentence
    ("quoted-then-quoted", "原文：“生态安全领域共投资12.74亿元。”[1]原文：“生态经济领域共投资2.64亿元。”[2]", True),
    ("quoted-then-quoted-swapped", "原文：“生态安全领域共投资12.74亿元。”[2]原文：“生态经济领域共投资2.64亿元。”[1]", False),
    # sums and differences: written out, operands verified, exactly right
    ("sum", "合计2.64+12.74+6.37=21.75亿元[1][2][3]。", True),
    ("wrong-sum", "合计2.64+12.74+6.37=21.76亿元[1][2][3]。", False),
    ("sum-rounded-is-not-equal", "合计2.64+12.74+6.37=21.8亿元[1][2][3]。", False),
    ("sum-of-an-invented-operand", "合计2.64+12.74+6.38=21.76亿元[1][2][3]。", False),
    ("sum-of-an-uncited-operand", "合计2.64+12.74+6.37=21.75亿元[1][2]。", False),
    ("total-without-the-sum", "三个领域合计21.75亿元[1][2][3]。", False),
    ("difference", "多12.74-2.64=10.10亿元[1][2]。", True),
    ("difference-with-minus-sign", "多12.74−2.64=10.10亿元[1][2]。", True),
    ("difference-without-trailing-zero", "多12.74-2.64=10.1亿元[1][2]。", True),
    ("wrong-difference", "多12.74-2.64=10.20亿元[1][2]。", False),
    ("difference-added", "多12.74-2.64=15.38亿元[1][2]。", False),
    ("count-sum", "共3+14+3=20个项目[1][2][3]。", True),
    ("wrong-count-sum", "共3+14+3=21个项目[1][2][3]。", False),
    ("product-is-no-rule", "12.74×2=25.48亿元[1]。", False),
    # quotients and shares: right as rounded, operands verified (a produced total counts)
    ("quotient", "平均约12.74÷14≈0.91亿元[1]。", True),
    ("quotient-coarser", "平均约12.74÷14≈0.9亿元[1]。", True),
    ("quotient-wrongly-rounded", "平均约12.74÷14≈0.92亿元[1]。", False),
    ("quotient-of-an-invented-divisor", "平均约12.74÷13≈0.98亿元[1]。", False),
    ("quotient-with-slash-is-no-rule", "平均约12.74/14≈0.91亿元[1]。", False),
    ("share-of-a-summed-total", "合计2.64+12.74+6.37=21.75亿元，占12.74÷21.75≈58.6%[1][2][3]。", True),
    ("share-wrong", "合计2.64+12.74+6.37=21.75亿元，占12.74÷21.75≈60%[1][2][3]。", False),
    ("share-without-percent", "合计2.64+12.74+6.37=21.75亿元，占12.74÷21.75≈58.6[1][2][3]。", False),
    ("share-of-an-unsummed-total", "占12.74÷21.75≈58.6%[1][2][3]。", False),
    # counts: only when the list it counts follows, each item with its marker
    ("count-with-its-list", "共3个方面：组织领导[7]、监督考核[8]、资金统筹[9]。", True),
    ("count-larger-than-the-list", "共4个方面：组织领导[7]、监督考核[8]、资金统筹[9]。", False),
    ("count-smaller-than-the-list", "共2个方面：组织领导[7]、监督考核[8]、资金统筹[9]。", False),
    ("count-item-without-marker", "共3个方面：组织领导[7]、监督考核、资金统筹[9]。", False),
    ("count-without-list", "保障措施共3个方面[7][8][9]。", False),
    # counted Chinese numerals: verbatim and whole
    ("chinese-count", "从七个方面进行解读[4]。", True),
    ("chinese-count-wrong", "从八个方面进行解读[4]。", False),
    ("liang-da", "两大平台[5]。", True),
    ("san-da-wrong", "三大平台[5]。", False),
    ("chinese-count-not-cited", "从七个方面进行解读[5]。", False),
    ("chinese-count-inside-a-longer-one", "设置了七个考核点[6]。", False),  # 七个 is not in 二十七个
    ("chinese-count-shorter-tail", "设置了十七个考核点[6]。", False),
    ("chinese-count-whole", "设置了二十七个考核点[6]。", True),
    ("article-number-quoted", "第二十七条 全省共设置了二十七个考核点[6]。", True),
    # a measure written in words stands for its value in digits (二百米 → 200)
    ("measure-in-words-difference", "多200-50=150米[10]。", True),
    ("measure-in-words-large", "最高100000元[10]。", True),
    ("measure-in-words-misread", "多250-50=200米[10]。", False),
    ("measure-in-words-not-cited", "多200-50=150米[9]。", False),
]


@pytest.mark.parametrize("text,expected", [(t, e) for _, t, e in CASES], ids=[n for n, _, _ in CASES])
def test_verify(text: str, expected: bool) -> None:
    result = verify(text, PASSAGES)
    assert result.ok is expected, result.problem
    assert bool(result.unverified) is not expected  # a rejection names what failed


def test_both_outcomes_for_every_rule() -> None:
    """The table holds accepted and rejected cases in comparable numbers."""
    accepted = sum(e for _, _, e in CASES)
    assert 15 <= accepted <= len(CASES) - 15


def test_dangling_markers_fail_and_are_named() -> None:
    result = verify("生态安全领域共投资12.74亿元[1][12]。", PASSAGES)
    assert not result.ok and result.dangling == (12,) and not result.unverified
    assert verify("规划原则[9]。", PASSAGES).ok  # a text with no figure and a good marker


def test_a_bracketed_year_is_no_marker() -> None:
    assert figures("到[2035]年[1]") == ["2035"]
    assert not verify("到[2035]年。", PASSAGES).ok


def test_what_counts_as_a_figure() -> None:
    found = figures("共投资12.74亿元[1]，占58.6%，七个方面、两大平台、二十七个点，唯一的一项，第三个")
    assert found == ["12.74", "58.6%", "七个", "两大", "二十七个", "一项"]
    # an article number is no count, nor any numeral inside it (第二十二条 holds 十二条)
    assert figures("第二十二条 原则上小麦每4年轮换一次；第三十二条、第十二条") == ["4", "一次"]
    # 一次性 (one-off) counts no times: a section named 一次性扩岗补助 quoted before its passage is verified
    assert figures("一次性扩岗补助：每招用1人不超过1500元，可享受一次") == ["1", "1500", "一次"]


def test_renumber_keeps_markers_that_resolve_in_order_of_use() -> None:
    from assistant.types import Chunk, RetrievedChunk

    chunks = [RetrievedChunk(Chunk(f"c{i}", "s.md", "题", (f"节{i}",), f"t{i}", i), 1.0 - i / 10, i + 1)
              for i in range(3)]
    text, cites = renumber("甲[3]。乙[1][1]。丙[9]。", chunks)
    assert text == "甲[1]。乙[2]。丙。"
    assert [(c.n, c.chunk_id) for c in cites] == [(1, "c2"), (2, "c0")]
