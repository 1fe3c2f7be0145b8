"""Corpus loading: the real plan with its metadata, and broken files reported by name."""

from pathlib import Path

import pytest

from assistant.corpus import corpus_hash, load_corpus
from assistant.errors import CorpusError

ROOT = Path(__file__).resolve().parents[1]


def test_real_plan_loads_with_metadata():
    load = load_corpus(ROOT / "corpus")
    assert load.problems == ()
    (doc,) = load.documents
    assert doc.title == "《临江市生态文明建设示范区建设规划（2024—2035年）》政策解读"
    assert doc.metadata["issuer"] == "白山市生态环境局临江市分局"
    assert doc.metadata["doc_type"] == "政策解读"
    assert doc.metadata["planning_period"] == "2024—2035年"
    assert "issuer:" not in doc.text  # front matter removed
    assert "<!--" not in doc.text  # editorial comments removed
    for figure in ("2.64亿元", "12.74亿元", "6.37亿元", "25项", "到2027年", "到2035年"):
        assert figure in doc.text


def test_broken_files_are_reported_by_name_and_skipped(tmp_path: Path):
    (tmp_path / "good.md").write_text("---\ntitle: 好文档\n---\n# 好文档\n\n正文。\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("规划".encode("gbk"))
    (tmp_path / "empty.md").write_text("---\ntitle: 空\n---\n\n", encoding="utf-8")
    (tmp_path / "badmeta.md").write_text("---\ntitle: [unclosed\n---\n正文。\n", encoding="utf-8")
    (tmp_path / "_draft.md").write_text("草稿。", encoding="utf-8")  # ignored by name
    (tmp_path / "glossary.yaml").write_text("- term: x\n", encoding="utf-8")  # not a document
    load = load_corpus(tmp_path)
    assert [d.source for d in load.documents] == ["good.md"]
    assert load.documents[0].title == "好文档"
    reported = {p.source: p.reason for p in load.problems}
    assert set(reported) == {"latin1.txt", "empty.md", "badmeta.md"}
    assert "UTF-8" in reported["latin1.txt"]
    assert "empty" in reported["empty.md"]
    assert "YAML" in reported["badmeta.md"]


def test_html_and_sidecar_metadata(tmp_path: Path):
    (tmp_path / "page.html").write_text(
        "<html><head><script>var x=1;</script></head><body><h2>一、目标</h2><p>到2030年完成。</p></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "page.html.meta.yaml").write_text("title: 网页文档\nissuer: 某局\n", encoding="utf-8")
    (doc,) = load_corpus(tmp_path).documents
    assert doc.title == "网页文档" and doc.metadata["issuer"] == "某局"
    assert "## 一、目标" in doc.text and "到2030年完成。" in doc.text
    assert "var x" not in doc.text


def test_no_usable_document_is_a_clear_error(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    with pytest.raises(CorpusError, match="empty.txt"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="不存在"):
        load_corpus(tmp_path / "missing")


def test_corpus_hash_follows_content(tmp_path: Path):
    (tmp_path / "a.md").write_text("# A\n\n甲。\n", encoding="utf-8")
    first = load_corpus(tmp_path).corpus_hash
    assert load_corpus(tmp_path).corpus_hash == first
    (tmp_path / "a.md").write_text("# A\n\n乙。\n", encoding="utf-8")
    assert load_corpus(tmp_path).corpus_hash != first
    assert corpus_hash([]) != first
