"""Which year a document stops being valid (``assistant/answering/validity.py``), on hand-made
chunks without the embedding model: the start the sentence names or the date the document was
issued, the expression written out and verified, nothing for a term in Chinese numerals or a
question that asks something else."""

from __future__ import annotations

import pytest

from assistant.answering import Composer
from assistant.answering.understanding import Intent
from assistant.answering.validity import end_year, validity_end
from assistant.types import Chunk, RetrievedChunk

from .handmade import composer_of, verified

TITLE = "《青山区临时救助实施细则》"


def chunk(cid: str, path: tuple[str, ...], text: str, n: int, source: str = "rules.md") -> Chunk:
    return Chunk(id=cid, source=source, title=TITLE, section_path=path, text=text, ordinal=n)


NAMED = chunk("v0", ("第二十条",), "本细则自2024年4月1日起实施，有效期5年。", 0)
ISSUED = chunk("v1", ("第二十一条",), "本细则自印发之日起施行，有效期3年。", 1)
SIGNED = chunk("v2", ("第二十一条",), "青山区民政局\n2021年4月13日", 2)
NEW_YEAR = chunk("v3", ("第九条",), "本办法自2024年1月1日起施行，有效期5年。", 0, "other.md")
WORDS = chunk("v4", ("第九条",), "本办法自印发之日起施行，有效期五年。", 1, "other.md")


def composer_over(chunks: list[Chunk]) -> Composer:
    return composer_of(chunks, TITLE, "青山区民政局")


def test_the_term_ends_on_its_anniversary_or_the_year_before_from_1_january() -> None:
    assert end_year((2024, 4, 1), 5) == (2029, "2024+5=2029")
    assert end_year((2024, 1, 1), 5) == (2028, "2024+5-1=2028")


@pytest.mark.parametrize(("question", "first", "expected"), [
    ("这个细则有效期到哪一年？", NAMED, "2024+5=2029"),
    ("细则哪年到期？", ISSUED, "2021+3=2024"),  # from the date line that closes the document, cited too
])
def test_the_end_year_is_written_out_and_verified(question: str, first: Chunk, expected: str) -> None:
    c = composer_over([NAMED, ISSUED, SIGNED])
    draft = validity_end(c, question, (RetrievedChunk(first, 1.0, 1),))
    assert draft is not None and draft.intent is Intent.FIGURE
    assert expected in draft.text and verified(draft), draft.text
    if first is ISSUED:
        assert any(p.chunk is SIGNED for p in draft.passages)


def test_from_1_january_the_term_ends_the_year_before() -> None:
    c = composer_over([NEW_YEAR, WORDS])
    draft = validity_end(c, "这个办法什么时候失效？", (RetrievedChunk(NEW_YEAR, 1.0, 1),))
    assert draft is not None and "2024+5-1=2028" in draft.text and verified(draft)


def test_no_answer_for_other_questions_a_term_in_words_or_an_unknown_start() -> None:
    c = composer_over([NAMED, WORDS])
    assert validity_end(c, "有效期是几年？", (RetrievedChunk(NAMED, 1.0, 1),)) is None  # asks the term, not its end
    assert validity_end(c, "有效期到哪一年？", (RetrievedChunk(WORDS, 1.0, 1),)) is None  # 五年: no Arabic figure to check
    alone = composer_over([ISSUED])
    assert validity_end(alone, "有效期到哪一年？", (RetrievedChunk(ISSUED, 1.0, 1),)) is None  # no date of issue stated
