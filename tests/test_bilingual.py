"""English words looked up among the corpus's Chinese words (assistant/bilingual.py): on a few
hand-made dictionary entries, without the model, and once on the real CC-CEDICT."""

from __future__ import annotations

from pathlib import Path

from assistant.bilingual import EnglishGloss, english_words, stem
from assistant.text import is_english

CORPUS = ["申请人应当向公安局申请办理户籍登记。", "老年人享受优待。", "公共场所", "证明有效，逾期无效，情况不同。"]
ENTRIES = [
    ("申请", ("to apply for sth", "application form (CL:份[fen4])")),
    ("申请人", ("applicant",)),
    ("公安局", ("public security bureau (government office similar in function to a police station)",)),
    ("公共", ("public; common",)),
    ("户籍", ("census register; household register",)),
    ("优待", ("preferential treatment; to give preferential treatment",)),
    ("老年人", ("old people; the elderly",)),
    ("不同", ("not the same; different",)),
    ("有效", ("effective",)),
    ("无效", ("not valid",)),
    ("护照", ("passport",)),  # the corpus does not write it
    ("安", ("peaceful",)),  # one character: stands for too much
]


def gloss() -> EnglishGloss:
    return EnglishGloss.build(CORPUS, ENTRIES)


def test_stems_are_the_same_for_question_and_definition() -> None:
    assert stem("applications") == stem("application") == "application"
    assert stem("Registered") == stem("register")
    assert stem("policies") == "policy"
    assert english_words("What are the conditions for the applicant?") == ["condition", "applicant"]


def test_words_and_phrases_of_a_question_become_the_corpus_words() -> None:
    g = gloss()
    assert g("Where do I apply for household registration?") == ("申请", "户籍")
    assert g("Do old people get preferential treatment?") == ("老年人", "优待")
    assert g("Is the applicant told?") == ("申请人",)


def test_a_whole_phrase_goes_before_its_words() -> None:
    # "public security bureau" is 公安局, not 公共 for "public" as well
    assert gloss()("Which public security bureau handles it?") == ("公安局",)
    assert gloss()("Is it a public place?") == ("公共",)


def test_words_the_corpus_does_not_write_and_negated_definitions_give_nothing() -> None:
    g = gloss()
    assert g("How do I renew my passport?") == ()  # 护照 is not in the corpus
    assert g("Is the certificate valid?") == ()  # 无效 is "not valid"
    assert g("Is the certificate effective?") == ("有效",)
    assert g("What is different?") == ("不同",)
    assert "安" not in g.words.get("peaceful", ())


def test_whole_definitions_only_when_asked() -> None:
    # "application" alone is a word of the definition "application form": no whole one
    assert gloss()("Where is the application?") == ("申请",)
    assert gloss()("Where is the application?", whole=True) == ()
    assert gloss()("Do old people get preferential treatment?", whole=True) == ("老年人", "优待")


def test_an_english_question_names_a_section_its_glossed_words_write() -> None:
    """safeguard measures → 保障 + 措施 → the section 保障措施; a name that is one glossed word
    alone is not named by it, and a Chinese question names sections by its own words."""
    from assistant.answering.vocabulary import Vocabulary, composed_of
    from assistant.types import Chunk

    assert composed_of("保障措施", {"保障", "措施"}) and not composed_of("保障措施", {"保障"})
    assert not composed_of("措施", {"措施"})
    entries = [("保障", ("to ensure; to guarantee; safeguard",)), ("措施", ("measure; step",)), ("组织", ("organization",))]
    chunks = [Chunk(id=f"c{k}", source="a.md", title="方案", section_path=("三、保障措施", name), text=f"{name}的内容。", ordinal=k)
              for k, name in enumerate(("（一）加强组织领导", "（二）强化资金保障"))]
    vocab = Vocabulary.from_chunks(chunks, english=EnglishGloss.build([c.section + c.text for c in chunks], entries))
    assert "保障措施" in vocab.section_words("What safeguard measures are there?", synonyms=False).split("|")
    assert vocab.section_words("保障措施有哪些？", synonyms=False) == "保障措施有哪些？"
    assert "保障措施" not in vocab.section_words("What measures are there?", synonyms=False).split("|")


def test_an_english_list_question_naming_a_heading_is_answered_by_its_parts() -> None:
    from assistant.answering import FIRST, HANDLERS, Composer, Intent, SentenceScorer, Vocabulary
    from assistant.identity import derive_identity
    from assistant.types import Document
    from assistant.text import ChineseTokenizer
    from assistant.types import Chunk, RetrievedChunk
    from assistant.wording import Wording

    entries = [("保障", ("safeguard",)), ("措施", ("measure",))]
    chunks = [Chunk(id=f"c{k}", source="a.md", title="方案", section_path=("三、保障措施", name), text=f"{name}的具体内容。", ordinal=k)
              for k, name in enumerate(("（一）加强组织领导", "（二）强化资金保障", "（三）严格监督考核"))]
    vocab = Vocabulary.from_chunks(chunks, english=EnglishGloss.build([c.section + c.text for c in chunks], entries))
    composer = Composer(vocab, SentenceScorer(vocab, ChineseTokenizer()), Wording(derive_identity([Document("a.md", "方案", "……", {"issuer": "县政府"})])), HANDLERS, FIRST)
    draft = composer.compose("What safeguard measures does the scheme list?", tuple(RetrievedChunk(c, 1.0, k + 1) for k, c in enumerate(chunks)), Intent.LIST)
    assert draft is not None and all(name in draft.text for name in ("加强组织领导", "强化资金保障", "严格监督考核")), draft.text


def test_stored_with_a_build_and_opened_again(tmp_path: Path) -> None:
    g = gloss()
    assert g.write(tmp_path) == len(g.phrases) + len(g.words)
    assert EnglishGloss.open(tmp_path) == g
    empty = EnglishGloss.open(tmp_path / "older-build")  # a build made before glosses: none
    assert not empty and empty("apply for registration") == ()


def test_the_real_dictionary() -> None:
    g = EnglishGloss.build(CORPUS)
    assert {"申请", "户籍"} <= set(g("Where do I apply for household registration?"))
    assert "优待" in g("Do old people get preferential treatment?")
    assert "公安局" in g("Which public security bureau handles it?")


def test_what_counts_as_english() -> None:
    assert is_english("How long is the lease?")
    assert is_english("How long is the 公租房 lease?")
    assert not is_english("公租房租期多长？")


def test_an_english_question_scores_sentences_by_the_corpus_words_it_stands_for() -> None:
    from assistant.answering import SentenceScorer, Vocabulary
    from assistant.text import ChineseTokenizer
    from assistant.types import Chunk, RetrievedChunk

    text = "申请人应当提交身份证明。老年人享受优待。"
    chunks = [Chunk(id="c0", source="a.md", title="办法", section_path=("第一条",), text=text, ordinal=0)]
    question = "Do old people get preferential treatment?"
    passages = (RetrievedChunk(chunks[0], 1.0, 1),)
    with_gloss = Vocabulary.from_chunks(chunks, english=EnglishGloss.build([text], ENTRIES))
    scorer = SentenceScorer(with_gloss, ChineseTokenizer())
    assert {"老年人", "优待"} <= scorer.qtokens(question)
    assert scorer.best_sentences(question, passages, n=1)[0][2] == "老年人享受优待。"
    without = SentenceScorer(Vocabulary.from_chunks(chunks), ChineseTokenizer())
    assert without.best_sentences(question, passages, n=1)[0][2] == "申请人应当提交身份证明。"  # the first, for want of words
