"""Consistency checks for the fixed evaluation set (eval/qa.jsonl) and the glossary
(corpus/glossary.yaml).

Run: .venv/bin/python -m pytest tests/test_qa_set.py -q
"""
import json
import re
import unicodedata
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
QA_PATH = ROOT / "eval" / "qa.jsonl"
GLOSSARY_PATH = ROOT / "corpus" / "glossary.yaml"
CORPUS_DIR = ROOT / "corpus"

CATEGORIES = {
    "fact", "number", "list", "paraphrase", "colloquial", "aggregate", "english",
    "traditional", "multi_turn", "unanswerable", "offtopic", "false_premise", "injection",
}
REQUIRED_KEYS = {"id", "question", "category", "answerable", "expected_facts", "evidence"}
OPTIONAL_KEYS = {"history"}
MIN_ITEMS = 100
MIN_PER_CATEGORY = 5
ALWAYS_REFUSED = {"unanswerable", "offtopic"}

FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def norm(s: str) -> str:
    """NFKC + lowercase + remove all whitespace (applied equally to both sides)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s).lower())


def strip_front_matter(text: str) -> str:
    return HTML_COMMENT.sub("", FRONT_MATTER.sub("", text, count=1))


def corpus_bodies():
    files = sorted(CORPUS_DIR.glob("*.md"))
    assert files, "no corpus/*.md found"
    return [strip_front_matter(p.read_text(encoding="utf-8")) for p in files]


def sections(body: str):
    """Split a body at Markdown headings; each piece starts with its heading line."""
    return [s for s in re.split(r"\n(?=#)", body) if s.strip()]


@pytest.fixture(scope="module")
def corpus_norm():
    return "\n".join(norm(b) for b in corpus_bodies())


@pytest.fixture(scope="module")
def corpus_sections_norm():
    return [norm(s) for b in corpus_bodies() for s in sections(b)]


@pytest.fixture(scope="module")
def items():
    assert QA_PATH.exists(), f"missing {QA_PATH}"
    out = []
    for n, line in enumerate(QA_PATH.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"line {n}: blank line"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:  # pragma: no cover - failure path
            pytest.fail(f"line {n}: invalid JSON: {e}")
        assert isinstance(obj, dict), f"line {n}: not a JSON object"
        out.append(obj)
    return out


# --------------------------------------------------------------------------- qa.jsonl

def test_keys_and_types(items):
    for it in items:
        iid = it.get("id")
        keys = set(it)
        assert REQUIRED_KEYS <= keys, f"{iid}: missing keys {REQUIRED_KEYS - keys}"
        assert keys <= REQUIRED_KEYS | OPTIONAL_KEYS, f"{iid}: extra keys {keys - REQUIRED_KEYS - OPTIONAL_KEYS}"
        assert isinstance(it["id"], str) and re.fullmatch(r"q\d{3,}", it["id"]), f"bad id {iid!r}"
        assert isinstance(it["question"], str) and it["question"].strip(), f"{iid}: empty question"
        assert isinstance(it["category"], str), f"{iid}: category not str"
        assert isinstance(it["answerable"], bool), f"{iid}: answerable not bool"
        facts = it["expected_facts"]
        assert isinstance(facts, list), f"{iid}: expected_facts not a list"
        for g in facts:
            assert isinstance(g, list) and g, f"{iid}: fact group must be a non-empty list"
            assert all(isinstance(a, str) and norm(a) for a in g), f"{iid}: bad alternative in {g}"
        ev = it["evidence"]
        assert isinstance(ev, list) and all(isinstance(e, str) and e.strip() for e in ev), f"{iid}: bad evidence"
        if "history" in it:
            h = it["history"]
            assert isinstance(h, list) and h, f"{iid}: history must be a non-empty list"
            assert all(isinstance(x, str) and x.strip() for x in h), f"{iid}: history items must be strings"


def test_ids_unique_and_sequential(items):
    ids = [it["id"] for it in items]
    dup = [i for i, c in Counter(ids).items() if c > 1]
    assert not dup, f"duplicate ids: {dup}"
    assert ids == [f"q{n:03d}" for n in range(1, len(ids) + 1)], "ids must run q001, q002, ... in order"


def test_questions_unique(items):
    keys = [(tuple(it.get("history", [])), norm(it["question"])) for it in items]
    dup = [k for k, c in Counter(keys).items() if c > 1]
    assert not dup, f"duplicate questions: {dup}"


def test_size_and_categories(items):
    assert len(items) >= MIN_ITEMS, f"only {len(items)} items"
    cats = Counter(it["category"] for it in items)
    bad = set(cats) - CATEGORIES
    assert not bad, f"invalid categories: {bad}"
    missing = CATEGORIES - set(cats)
    assert not missing, f"categories missing: {missing}"
    small = {c: n for c, n in cats.items() if n < MIN_PER_CATEGORY}
    assert not small, f"categories with < {MIN_PER_CATEGORY} items: {small}"


def test_multi_turn_has_history(items):
    for it in items:
        if it["category"] == "multi_turn":
            assert it.get("history"), f"{it['id']}: multi_turn item needs history"


def test_answerable_consistency(items):
    for it in items:
        iid = it["id"]
        if it["category"] in ALWAYS_REFUSED:
            assert it["answerable"] is False, f"{iid}: {it['category']} must be answerable=false"
        if it["answerable"]:
            assert it["expected_facts"], f"{iid}: answerable item needs expected_facts"
            assert 1 <= len(it["evidence"]) <= 5, f"{iid}: answerable item needs 1-5 evidence strings"
        else:
            assert it["expected_facts"] == [], f"{iid}: refused item must have empty expected_facts"
            assert it["evidence"] == [], f"{iid}: refused item must have empty evidence"


def test_both_kinds_of_injection(items):
    inj = [it for it in items if it["category"] == "injection"]
    assert any(it["answerable"] for it in inj), "need injections wrapped around a real question"
    assert any(not it["answerable"] for it in inj), "need pure injections that must be refused"


def test_evidence_in_corpus(items, corpus_norm):
    for it in items:
        for e in it["evidence"]:
            assert norm(e) in corpus_norm, f"{it['id']}: evidence not in corpus body: {e!r}"


def test_evidence_within_one_section(items, corpus_sections_norm):
    """Chunks follow headings, so each evidence string must sit inside a single section."""
    for it in items:
        for e in it["evidence"]:
            assert "\n" not in e, f"{it['id']}: evidence spans lines: {e!r}"
            assert any(norm(e) in s for s in corpus_sections_norm), (
                f"{it['id']}: evidence crosses a section boundary: {e!r}")


def test_expected_facts_in_corpus(items, corpus_norm):
    for it in items:
        if not it["answerable"] or it["category"] == "aggregate":
            continue
        for g in it["expected_facts"]:
            assert any(norm(a) in corpus_norm for a in g), (
                f"{it['id']}: no alternative of fact group {g} occurs in the corpus")


def _plan_parts():
    """What the aggregate items are computed from, read from the corpus text here: the figures
    of each field of 六、重点工程, the numbered principles, the parts of 七、保障措施."""
    body = "\n".join(corpus_bodies())
    money, projects, parent, children = {}, {}, "", {}
    for piece in sections(body):
        heading = piece.splitlines()[0]
        name = heading.lstrip("#").strip()
        if heading.startswith("## "):
            parent = name
            children[parent] = [piece]
        elif heading.startswith("### "):
            children.setdefault(parent, []).append(piece)
            if m := re.search(r"共投资(\d+(?:\.\d+)?)亿元", piece):
                money[name] = Fraction(m.group(1))
            if m := re.search(r"涉及(\d+)个项目", piece):
                projects[name] = int(m.group(1))
    principles = len(re.findall(r"^\d+\. ", children["二、规划原则"][0], re.M))
    measures = len(children["七、保障措施"]) - 1
    return money, projects, principles, measures


def computed_values():
    """How each aggregate item's first fact is computed; a new aggregate item adds its line."""
    money, projects, principles, measures = _plan_parts()
    safety, economy, culture = (next(n for n in money if n.startswith(k)) for k in ("生态安全", "生态经济", "生态文化"))
    return {
        "q081": principles,
        "q082": sum(money.values()),
        "q083": sum(projects.values()),
        "q084": max(money, key=money.get),
        "q085": max(projects, key=projects.get),
        "q086": money[safety] - money[economy],
        "q087": money[economy] + money[culture],
        "q088": sum(projects[n] for n in money),
        "q089": money[safety] / sum(money.values()) * 100,
        "q090": money[safety] / projects[safety],
        "q091": measures,
    }


_CN = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def _matches(alternative, value):
    """An alternative states ``value`` as written (rounded to its last digit; 万 of 亿; 五 = 5; 六成 = 60%)."""
    if isinstance(value, str):
        return norm(alternative) in norm(value)
    if m := re.search(r"\d+(?:\.\d+)?", alternative):
        written = Fraction(m.group(0)) / (10000 if "万" in alternative else 1)
        places = len(m.group(0).split(".")[1]) if "." in m.group(0) else 0
        half = Fraction(1, 2 * 10**places) / (10000 if "万" in alternative else 1)
        return abs(written - value) <= half
    digits = [_CN[c] for c in alternative if c in _CN]
    if len(digits) != 1:
        return False
    return abs(digits[0] * 10 - value) <= 5 if "成" in alternative else digits[0] == value


def test_aggregate_facts_are_computed_from_the_corpus(items, corpus_norm):
    """An aggregate item's first fact group is the computed answer: each alternative must equal
    the value computed here from the corpus text; its other groups are figures the corpus states."""
    values = computed_values()
    assert all(isinstance(v, str) or v > 0 for v in values.values())
    for it in items:
        if it["category"] != "aggregate" or not it["answerable"]:
            continue
        assert it["id"] in values, f"{it['id']}: add how its first fact is computed to computed_values()"
        first, *stated = it["expected_facts"]
        wrong = [a for a in first if not _matches(a, values[it["id"]])]
        assert not wrong, f"{it['id']}: {wrong} is not {values[it['id']]}"
        for g in stated:
            assert any(norm(a) in corpus_norm for a in g), f"{it['id']}: {g} is not in the corpus"


def test_the_computation_check_can_fail():
    assert _matches("21.75亿", Fraction("21.75")) and not _matches("21.76亿", Fraction("21.75"))
    assert _matches("9100万", Fraction("12.74") / 14) and _matches("六成", Fraction(5857, 100))
    assert _matches("五条", 5) and not _matches("六条", 5) and _matches("生态安全", "生态安全领域")


@pytest.mark.parametrize("figure", [
    "2024", "2035", "2027", "25项", "五大方面", "四个阶段", "七个方面", "两大平台",
    "六大优势产业", "2.64亿", "12.74亿", "6.37亿", "14个", "1个", "2个", "3个",
])
def test_every_key_figure_is_asked(items, figure):
    blob = norm(" ".join(
        it["question"] + " " + json.dumps(it["expected_facts"], ensure_ascii=False) + " " + " ".join(it["evidence"])
        for it in items if it["answerable"]))
    assert norm(figure) in blob, f"no answerable item covers {figure}"


# --------------------------------------------------------------------------- glossary

GLOSSARY_KEYS = {"term", "aliases", "explanation", "basis", "expand"}


@pytest.fixture(scope="module")
def glossary():
    assert GLOSSARY_PATH.exists(), f"missing {GLOSSARY_PATH}"
    data = yaml.safe_load(GLOSSARY_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, "glossary must be a non-empty YAML list"
    return data


def test_glossary_structure(glossary):
    terms = []
    for e in glossary:
        assert isinstance(e, dict), f"entry is not a mapping: {e!r}"
        assert set(e) == GLOSSARY_KEYS, f"{e.get('term')}: keys {set(e)} != {GLOSSARY_KEYS}"
        assert isinstance(e["term"], str) and e["term"].strip(), e
        assert isinstance(e["explanation"], str) and e["explanation"].strip(), e["term"]
        assert len(e["explanation"]) <= 60, f"{e['term']}: explanation longer than 60 chars"
        assert e["basis"] in {"corpus", "public"}, f"{e['term']}: bad basis {e['basis']!r}"
        for k in ("aliases", "expand"):
            assert isinstance(e[k], list), f"{e['term']}: {k} must be a list"
            assert all(isinstance(x, str) and x.strip() for x in e[k]), f"{e['term']}: bad {k}"
        terms.append(e["term"])
    dup = [t for t, c in Counter(terms).items() if c > 1]
    assert not dup, f"duplicate glossary terms: {dup}"


def test_glossary_corpus_terms_in_corpus(glossary, corpus_norm):
    for e in glossary:
        if e["basis"] == "corpus":
            assert norm(e["term"]) in corpus_norm, f"corpus-basis term not in corpus: {e['term']}"


@pytest.mark.parametrize("term", [
    "两山", "一主六双", "一山两江", "一体两翼", "五位一体", "四长治河", "生态+", "六大优势产业",
    "山水林田湖草沙", "生态产业化和产业生态化", "生态文明建设示范区", "鸭绿江经济带",
    "省级边境经济合作区", "25项建设指标",
])
def test_glossary_required_terms(glossary, term):
    names = {norm(e["term"]) for e in glossary} | {norm(a) for e in glossary for a in e["aliases"]}
    assert norm(term) in names, f"glossary lacks {term}"


def check_contract(lines: list[str], id_of, corpus_norm: str, sections_norm: list[str]) -> None:
    """Each line: the format of qa.jsonl, ids in order without gaps, facts and evidence in the corpus."""
    assert len(lines) >= 40
    for n, line in enumerate(lines, 1):
        it = json.loads(line)
        assert it["id"] == id_of(n)
        assert REQUIRED_KEYS <= set(it) <= REQUIRED_KEYS | OPTIONAL_KEYS, it["id"]
        assert it["category"] in CATEGORIES, it["id"]
        assert bool(it.get("history")) == (it["category"] == "multi_turn"), it["id"]
        if it["answerable"]:
            assert it["expected_facts"] and 1 <= len(it["evidence"]) <= 5, it["id"]
            computed = 1 if it["category"] == "aggregate" else 0  # its first group may be a computed figure
            for group in it["expected_facts"][computed:]:
                assert any(norm(alt) in corpus_norm for alt in group), (it["id"], group)
            for e in it["evidence"]:
                assert any(norm(e) in s for s in sections_norm), (it["id"], e)
        else:
            assert it["expected_facts"] == [] and it["evidence"] == [], it["id"]


@pytest.mark.parametrize(
    "name,prefix",
    [("dev.jsonl", "h"), ("dev2.jsonl", "d"), ("heldout.jsonl", "t"), ("heldout2.jsonl", "u"), ("heldout3.jsonl", "v"),
     ("heldout7.jsonl", "h7"), ("heldout8.jsonl", "h8"), ("heldout9.jsonl", "h9"),
     ("heldout10.jsonl", "h10"), ("heldout11.jsonl", "k11"), ("heldout12.jsonl", "k12"), ("heldout13.jsonl", "k13"),
     ("heldout14.jsonl", "k14"), ("heldout15.jsonl", "k15"), ("heldout16.jsonl", "k16"), ("heldout17.jsonl", "k17"), ("heldout18.jsonl", "k18"), ("heldout19.jsonl", "k19"), ("heldout20.jsonl", "k20"), ("heldout21.jsonl", "k21"), ("heldout22.jsonl", "k22"), ("heldout23.jsonl", "k23"), ("heldout24.jsonl", "k24"), ("heldout25.jsonl", "k25"), ("heldout26.jsonl", "k26"), ("heldout27.jsonl", "k27"), ("heldout28.jsonl", "k28"), ("heldout29.jsonl", "k29"), ("heldout30.jsonl", "k30"), ("heldout31.jsonl", "k31"), ("heldout32.jsonl", "k32"), ("heldout33.jsonl", "k33"), ("heldout34.jsonl", "k34"), ("heldout35.jsonl", "k35"), ("heldout36.jsonl", "k36"), ("heldout37.jsonl", "k37"), ("heldout38.jsonl", "k38"), ("heldout39.jsonl", "k39"), ("heldout40.jsonl", "k40"), ("heldout41.jsonl", "k41"), ("heldout42.jsonl", "k42"), ("heldout43.jsonl", "k43"), ("heldout44.jsonl", "k44"), ("heldout45.jsonl", "k45"), ("heldout46.jsonl", "k46"), ("heldout47.jsonl", "k47"), ("heldout48.jsonl", "k48"), ("heldout49.jsonl", "k49"), ("heldout50.jsonl", "k50"), ("heldout51.jsonl", "k51"), ("heldout52.jsonl", "k52"), ("heldout53.jsonl", "k53"), ("heldout54.jsonl", "k54"), ("heldout55.jsonl", "k55")],
)
def test_the_independent_sets_follow_the_same_contract(name, prefix, corpus_norm, corpus_sections_norm):
    """The development and held-out sets: the format of qa.jsonl, ids h001…, d001…, t001…, u001…, v001…, h701…, h801…, h901…, h1001…, k1101…, k1201…"""
    lines = (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines()
    width = 3 if len(prefix) == 1 else 2
    check_contract(lines, lambda n: f"{prefix}{n:0{width}d}", corpus_norm, corpus_sections_norm)


#: (folder, shortest body in CJK characters): eval/short-corpora holds real documents shorter than 1,500
FOREIGN = [(p, 1500) for p in sorted((ROOT / "eval" / "corpora").iterdir()) if p.is_dir()] + [
    (p, 1000) for p in sorted((ROOT / "eval" / "short-corpora").iterdir()) if p.is_dir()]


@pytest.mark.parametrize(("here", "shortest"), FOREIGN, ids=[p.name for p, _ in FOREIGN])
def test_each_foreign_corpus_has_its_source_title_issuer_and_a_set_in_the_same_contract(here, shortest):
    """eval/corpora/<name>: a real document with title and issuer, where it came from, and its own set q001… (and any later set qa2.jsonl … of the same contract)"""
    assert (here / "SOURCE.md").read_text(encoding="utf-8").strip()
    texts = [p.read_text(encoding="utf-8") for p in sorted((here / "corpus").glob("*.md"))]
    assert texts and all(re.search(r"^title: .+$", t, re.M) and re.search(r"^issuer: .+$", t, re.M) for t in texts)
    bodies = [strip_front_matter(t) for t in texts]
    # a Chinese document's length in characters (字): its CJK characters
    assert all(shortest <= len(re.findall(r"[\u4e00-\u9fff]", b)) <= 10000 for b in bodies)
    sets = sorted(here.glob("qa*.jsonl"))  # qa.jsonl, and qa2.jsonl … by later writers of the same document
    assert sets[0].name == "qa.jsonl"
    for qa in sets:
        lines = qa.read_text(encoding="utf-8").splitlines()
        check_contract(lines, lambda n: f"q{n:03d}", "\n".join(norm(b) for b in bodies), [norm(s) for b in bodies for s in sections(b)])
