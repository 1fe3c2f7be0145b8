"""“It never invents numbers”, judged by an oracle that is not the code under test
(``tests/figure_oracle.py``): every figure of every answer to the 166 questions of
``eval/qa.jsonl`` stands in a passage it cites, or is arithmetic the oracle redoes, and
every computed figure is one the Q&A items' writers expected. The oracle is checked
first on answers written out here."""

from __future__ import annotations

import re

import pytest
import yaml

from assistant.pipeline import Assistant

from .figure_oracle import ROOT, computed_figures, figures_of, qa_items, stands_in, unsupported

CITED = {
    1: "生态经济领域涉及3个项目，共投资2.64亿元。",
    2: "生态安全领域涉及14个项目，共投资12.74亿元。",
    3: "生态文化领域涉及3个项目，共投资6.37亿元。",
    4: "现从指导思想等七个方面进行解读，总投资112.745亿元。",
}


@pytest.mark.parametrize(
    "text,bad",
    [
        ("生态安全领域共投资12.74亿元[2]。", []),
        ("生态安全领域共投资12.75亿元[2]。", ["12.75"]),
        ("生态安全领域共投资12.74亿元[1]。", ["12.74"]),  # cited, but the wrong passage
        ("生态安全领域共投资12.74亿元。", ["12.74"]),  # nothing cited
        ("总投资12.74亿元[4]。", ["12.74"]),  # not a whole number there
        ("从七个方面[4]。", []),
        ("从八个方面[4]。", ["八个"]),
        ("合计2.64+12.74+6.37=21.75亿元[1][2][3]。", []),
        ("合计2.64+12.74+6.37=21.85亿元[1][2][3]。", ["21.85"]),
        ("多12.74-2.64=10.10亿元[1][2]。", []),
        ("多12.74-2.64=10.2亿元[1][2]。", ["10.2"]),
        ("合计2.64+12.74+6.37=21.75亿元，占12.74÷21.75≈58.6%[1][2][3]。", []),
        ("合计2.64+12.74+6.37=21.75亿元，占12.74÷21.75≈57.6%[1][2][3]。", ["57.6%"]),
        ("平均12.74÷14≈0.91亿元[2]。", []),
        ("共3个领域：生态经济[1]、生态安全[2]、生态文化[3]。", []),
        ("共4个领域：生态经济[1]、生态安全[2]、生态文化[3]。", ["4"]),
    ],
)
def test_the_oracle_itself(text: str, bad: list[str]) -> None:
    assert unsupported(text, CITED) == bad


def test_the_oracle_reads_figures_as_a_reader_does() -> None:
    assert figures_of("唯一项目，第一个，共14个项目[1]，两大平台，占58.6%") == ["14", "58.6%", "两大"]
    assert stands_in("2024", "（2024—2035年）") and not stands_in("202", "2024")


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return qa_items()


def test_the_qa_items_expect_the_computed_figures(items: list[dict]) -> None:
    """The writers' computed figures, checked by hand against the corpus: 2.64+12.74+6.37=21.75 …"""
    expected = computed_figures(items)
    assert {"21.75", "23", "9.01", "20", "0.91", "58.6"} <= expected
    assert {"10.1", "10.10"} & expected


def identity_figures() -> set[str]:
    """Figures a refusal may say: the deployment's identity (the title's years, the hotline) and
    the numbering of the headings it names as the nearest section (2. 近期目标)."""
    identity = yaml.safe_load((ROOT / "corpus" / "assistant.yaml").read_text(encoding="utf-8"))
    headings = [line for p in (ROOT / "corpus").glob("*.md")
                for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    return set(figures_of(" ".join(str(v) for v in identity.values()) + " ".join(headings)))


def test_every_figure_on_the_qa_set_is_stated_or_expected(plan_assistant: Assistant, items: list[dict]) -> None:
    """The invariant behind “it never invents numbers”, over all 166 questions."""
    computed = computed_figures(items)
    identity = identity_figures()
    problems = []
    for item in items:
        answer = plan_assistant.ask(item["question"], history=item.get("history", []))
        if answer.refused:
            assert answer.citations == ()
            allowed = identity | set(figures_of(item["question"])) | {str(plan_assistant.settings.max_question_chars)}
            bad = unsupported(answer.text, {}, allowed)
        else:
            cited = {c.n: c.text for c in answer.citations}
            assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)} == set(cited), (item["id"], answer.text)
            bad = unsupported(answer.text, cited)
            every = " ".join(cited.values())
            # a figure the passages do not state is a computed one the writers expected
            bad += [f for f in figures_of(answer.text)
                    if not stands_in(f, every) and f.rstrip("%") not in computed and f not in identity]
        if bad:
            problems.append((item["id"], bad, answer.text))
    assert not problems, problems


def test_the_expected_figure_is_answered(plan_assistant: Assistant, items: list[dict]) -> None:
    """For the aggregate items, the computed figure the writers expected is in the answer."""
    for item in items:
        if item["category"] != "aggregate":
            continue
        answer = plan_assistant.ask(item["question"], history=item.get("history", []))
        first = item["expected_facts"][0]
        assert any(alt.replace("亿", "") in answer.text for alt in first), (item["id"], first, answer.text)
