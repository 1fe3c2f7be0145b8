"""A regulation's penalty clauses and the articles they name (``assistant/answering/penalties.py``),
on hand-made chunks without the embedding model: a question about a rule is answered from the
article that states it, a question about a penalty from the penalty clause."""

from __future__ import annotations

from assistant.answering.penalties import article_chunks, referenced_articles, rules_first
from assistant.answering.vocabulary import Vocabulary
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of

TITLE = "《青山市养犬管理条例》"
ISSUER = "青山市人民代表大会常务委员会"


def _chunk(k: int, path: tuple[str, ...], text: str) -> Chunk:
    return Chunk(id=f"dogs-{k}", source="dogs.md", title=TITLE, section_path=path, ordinal=k, text=text)


RULE = _chunk(0, ("养犬行为规范", "第十九条"), "携犬出户的，应当束犬链，犬链长度不超过一点五米。"
                                           "不得携犬进入商场、超市、医院等公共场所。")
REGISTER = _chunk(1, ("犬只登记", "第十条(登记)"), "养犬人应当自取得犬只之日起三十日内办理养犬登记。")
PENALTY = _chunk(2, ("法律责任", "第三十条"), "违反本条例第十九条规定，携犬进入商场、超市等公共场所的，由公安机关责令改正，"
                                           "处二百元以上五百元以下罚款。")
LATE = _chunk(3, ("法律责任", "第三十一条"), "违反本条例第十条第一款规定，未办理养犬登记的，由公安机关责令限期改正，处五百元罚款。")
GENERAL = _chunk(4, ("法律责任", "第三十二条"), "违反本条例规定，虐待犬只的，由公安机关处一千元罚款。")
CHUNKS = [RULE, REGISTER, PENALTY, LATE, GENERAL]
SEQUENCE = Vocabulary.from_chunks(CHUNKS).sequence


def _ranked(*chunks: Chunk) -> tuple[RetrievedChunk, ...]:
    return tuple(RetrievedChunk(c, 1.0 - k / 10, k + 1) for k, c in enumerate(chunks))


def _ids(passages: tuple[RetrievedChunk, ...]) -> list[str]:
    return [p.chunk.id for p in passages]


def test_the_articles_a_penalty_clause_names() -> None:
    assert referenced_articles("违反本条例第二十条第一款第二项、第三项规定，携犬只进入公共场所的，处罚款。") == ("第二十条",)
    assert referenced_articles("违反本条例第十五条第二款、第十八条第一款规定，养犬人未办理登记的") == ("第十五条", "第十八条")
    assert referenced_articles("个人违反本办法第十三条第四款规定，提供虚假资料的") == ("第十三条",)
    assert referenced_articles(GENERAL.text) == ()  # 违反本条例规定 names no article
    assert referenced_articles("依照本条例第十条的规定办理登记。") == ()  # no penalty clause


def test_an_articles_chunks_by_its_heading() -> None:
    assert article_chunks("第十九条", "dogs.md", SEQUENCE) == (RULE,)
    assert article_chunks("第十条", "dogs.md", SEQUENCE) == (REGISTER,)  # 第十条(登记)
    assert article_chunks("第十条", "other.md", SEQUENCE) == ()
    assert article_chunks("第一条", "dogs.md", SEQUENCE) == ()  # not 第十条: 第一 is no article of its own


def test_the_named_article_takes_the_place_of_its_penalty_clause() -> None:
    moved = rules_first("能不能带狗进商场？", _ranked(PENALTY, GENERAL, RULE), SEQUENCE)
    assert _ids(moved) == ["dogs-0", "dogs-4"]  # 违反本条例规定 names no article: it stays
    fetched = rules_first("养了狗要去办登记吗？", _ranked(LATE, GENERAL), SEQUENCE)
    assert _ids(fetched) == ["dogs-1", "dogs-4"]  # found in its document, not by the search
    assert fetched[0].score == 1.0
    elsewhere = Chunk(id="other-0", source="other.md", title=TITLE, section_path=("第三十条",), ordinal=0, text=PENALTY.text)
    assert _ids(rules_first("能不能带狗进商场？", _ranked(elsewhere), SEQUENCE)) == ["other-0"]  # its document has no 第十九条


def test_a_question_about_a_penalty_keeps_the_order() -> None:
    ranked = _ranked(PENALTY, GENERAL, RULE)
    for question in ("带狗进商场罚多少钱？", "违反了规定带狗进商场怎么处理？", "带狗进商场要承担什么后果？", "What is the fine for taking a dog into a mall?"):
        assert rules_first(question, ranked, SEQUENCE) == ranked, question


def test_a_question_for_a_figure_keeps_the_order() -> None:
    """A figure a penalty clause holds (the fine) may be what such a question asks."""
    ranked = _ranked(PENALTY, GENERAL, RULE)
    for question in ("养了狗多久内要登记？", "犬链最长多少米？", "带狗进商场要交多少钱？"):
        assert rules_first(question, ranked, SEQUENCE) == ranked, question
    assert _ids(rules_first("带狗进商场的事归哪个部门管？", ranked, SEQUENCE)) == ["dogs-0", "dogs-4"]
    assert rules_first("虐待犬只怎么办？", _ranked(GENERAL, RULE), SEQUENCE) == _ranked(GENERAL, RULE)  # no article named


def test_a_rule_question_is_answered_from_the_rule_and_a_penalty_question_from_the_penalty() -> None:
    c = composer_of(CHUNKS, TITLE, ISSUER)
    from assistant.answering.understanding import classify

    def answer(question: str) -> str:
        draft = c.compose(question, _ranked(PENALTY, GENERAL, RULE), classify(question))
        assert draft is not None
        return draft.text

    assert "不得携犬进入商场" in answer("商场里能不能带狗进去？")
    assert "二百元以上五百元以下罚款" in answer("带狗进商场罚多少钱？")
