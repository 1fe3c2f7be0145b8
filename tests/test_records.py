"""A document's record of its adoption answers when and how it was adopted, and nothing
else: on hand-made chunks, without the embedding model."""

from __future__ import annotations

from assistant.answering import Intent
from assistant.answering.records import without_records
from assistant.types import RetrievedChunk

from .handmade import composer_of, section_chunks

TITLE = "青山市供热条例"
RECORD = "2017年8月25日 青山市第十九届人民代表大会常务委员会第三次会议通过。2017年9月30日 某省第十二届人民代表大会常务委员会第三十二次会议批准"
CHUNKS = section_chunks(TITLE, [
    (TITLE, RECORD),
    ("第二条", "本条例所称供热，是指供热企业依靠稳定热源，通过管网向用户提供生活用热的行为。"),
    ("第四十条", "本条例自2018年1月1日起施行。"),
])
RANKED = tuple(RetrievedChunk(ch, 1.0, k + 1) for k, ch in enumerate(CHUNKS))


def test_a_record_answers_only_how_the_document_was_adopted() -> None:
    c = composer_of(CHUNKS, f"《{TITLE}》", "青山市人民代表大会常务委员会")
    draft = c.compose("青山市的供热由谁提供？", RANKED, Intent.GENERAL)
    assert draft is not None and "供热企业" in draft.text and "会议通过" not in draft.text, draft.text
    when = c.compose("这个条例什么时候开始实施？", RANKED, Intent.FIGURE)
    assert when is not None and "2018年1月1日" in when.text and "2017年8月25日" not in when.text, when.text
    adopted = c.compose("这个条例是哪次会议通过的？", RANKED, Intent.GENERAL)
    assert adopted is not None and "第三次会议通过" in adopted.text, adopted.text


def test_what_a_record_leaves_and_what_it_does_not_touch() -> None:
    mixed = section_chunks(TITLE, [
        (TITLE, "（2021年7月27日国务院令第746号公布）\n第一条 为了规范供热，制定本条例。"),
        ("第五十条", "本规定自2022年1月1日起施行。2012年12月29日原总局令第150号公布的《供热规定》同时废止。"),
    ])
    ranked = tuple(RetrievedChunk(ch, 1.0, k + 1) for k, ch in enumerate(mixed))
    kept = without_records("供热的目的是什么？", ranked)
    assert kept[0].chunk.text == "第一条 为了规范供热，制定本条例。"
    assert kept[1] is ranked[1]  # a decree named in a sentence is no record of this document
    assert without_records("这个办法是哪天公布的？", ranked) == ranked
    only = tuple(RetrievedChunk(ch, 1.0, 1) for ch in CHUNKS[:1])
    assert without_records("供热是什么？", only) == only  # nothing else left: as it was
