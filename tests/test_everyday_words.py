"""Everyday words as stand-ins for the formal words a corpus writes (data/lexicon/everyday_words.yaml)."""

import pytest

from assistant.answering import Thresholds, Vocabulary, decide, everyday_synonyms
from assistant.answering.coverage import missing_nouns, concrete_nouns
from assistant.text import ChineseTokenizer
from assistant.lexicon import everyday_words
from assistant.types import Chunk

TABLE = {"房子": ("房屋", "住房"), "户口": ("户籍",), "老人": ("老年人",)}


def test_only_words_whose_formal_words_the_text_writes():
    text = "承租人应当按时缴纳租金。申请人应具有本市户籍。"
    assert everyday_synonyms(text, TABLE) == {"户口": ("户籍",)}


def test_a_word_the_text_itself_writes_needs_no_stand_in():
    assert everyday_synonyms("老人和老年人都可以申请。", TABLE) == {}


def test_only_the_formal_words_written_are_kept():
    assert everyday_synonyms("租赁住房的面积。", TABLE) == {"房子": ("住房",)}


def test_the_shipped_table_is_strict_and_well_formed():
    table = everyday_words()
    assert len(table) >= 400
    for word, formal in table.items():
        assert 2 <= len(word) <= 5 and formal and word not in formal  # 人大常委会
    # words of time and of counting name no thing: left out
    assert not {"现在", "去年", "一共", "加起来"} & set(table)


def _vocab(text: str, synonyms: dict[str, tuple[str, ...]]) -> Vocabulary:
    chunk = Chunk(id="c1", source="d.md", title="《办法》", section_path=("第二章 申请",), text=text, ordinal=0)
    return Vocabulary.from_chunks([chunk], synonyms=synonyms)


@pytest.fixture(scope="module")
def posseg():  # type: ignore[no-untyped-def]
    return ChineseTokenizer().posseg


def test_an_everyday_word_for_a_corpus_word_is_no_missing_thing(posseg):
    text = "申请人应具有本市户籍，在本市无住房。"
    question = "我户口不在本市能申请吗"
    tagged = [(w, f) for w, f in posseg.cut(question) if len(w) >= 2]
    without = missing_nouns(question, concrete_nouns(tagged, posseg), _vocab(text, {}))
    assert "户口" in without  # what the rule changes: without the stand-in the word is missing
    assert missing_nouns(question, concrete_nouns(tagged, posseg), _vocab(text, everyday_synonyms(text, TABLE))) == ()


def test_a_thing_the_corpus_lacks_still_refuses(posseg):
    text = "申请人应具有本市户籍，在本市无住房。"
    vocab = _vocab(text, everyday_synonyms(text, TABLE))
    decision = decide("申请的门票多少钱", 0.88, vocab, Thresholds(), posseg)
    assert not decision.covered and "门票" in decision.missing


def test_the_corpus_synonyms_win_over_the_everyday_words(tmp_path):
    from assistant.answering import load_synonyms
    from assistant.types import Document

    (tmp_path / "synonyms.yaml").write_text("户口: [户籍登记]\n", encoding="utf-8")
    doc = Document("d.md", "办法", "申请人应具有本市户籍，在本市无住房。")
    merged = load_synonyms(tmp_path, [doc])
    assert merged["户口"] == ("户籍登记",) and merged["房子"] == ("住房",)
    assert load_synonyms(tmp_path) == {"户口": ("户籍登记",)}  # without documents: the corpus's own only


def test_the_short_names_of_state_bodies_stand_for_their_full_names(posseg):
    """人大常委会 is how citizens name the 人民代表大会常务委员会 a regulation's record writes."""
    text = "本条例于2019年3月28日经青山市第十六届人民代表大会常务委员会第十九次会议通过"
    synonyms = everyday_synonyms(text)
    assert synonyms["人大常委会"] == ("人民代表大会常务委员会",) and synonyms["人大"] == ("人民代表大会",)
    assert synonyms["常委会"] == ("常务委员会",) and "政协" not in synonyms  # the text names no 政治协商会议
    assert everyday_synonyms("征求市政治协商会议委员意见")["政协"] == ("政治协商会议",)
    question = "条例是哪天由市人大常委会通过的"
    tagged = [(w, f) for w, f in posseg.cut(question) if len(w) >= 2]
    assert missing_nouns(question, concrete_nouns(tagged, posseg), _vocab(text, {})) != ()  # without them: missing
    assert missing_nouns(question, concrete_nouns(tagged, posseg), _vocab(text, synonyms)) == ()
