"""The Chroma index with the real model: build, manifest, mismatch errors, atomic
rebuild surviving a killed build, the build lock, and concurrent search."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import chromadb
import jieba
import pytest

from assistant.errors import IndexLockedError, IndexMismatchError, IndexMissingError
from assistant.glossary import load_glossary, user_words
from assistant.index import IndexLayout, build_index, open_index
from assistant.pipeline import Assistant
from assistant.text import ChineseTokenizer, _initialize

from .conftest import ROOT, builder_paused_at, make_settings


def test_manifest_records_the_build(plan_assistant: Assistant):
    m = plan_assistant.index.manifest
    assert m["embedding"]["name"] == "multilingual-e5-small"
    assert m["embedding"]["dimension"] == 384
    assert m["embedding"]["query_prompt"] == "query: "
    assert m["chunking"]["chunk_size"] == plan_assistant.settings.chunk_size
    assert m["chromadb_version"] == chromadb.__version__
    assert m["chunk_count"] == len(plan_assistant.index.chunks) == plan_assistant.index.collection.count()
    assert len(m["corpus_hash"]) == 64
    assert [d["source"] for d in m["documents"]] == ["linjiang-eco-plan-2024-2035.md"]
    build = plan_assistant.index.path
    assert json.loads((build / "manifest.json").read_text(encoding="utf-8")) == m
    assert (build / "chunks.jsonl").read_text(encoding="utf-8").count("\n") == m["chunk_count"]


@pytest.mark.parametrize(
    "question,needle,section",
    [
        ("河道整治投了多少钱", "12.74亿元", "六、重点工程 › 生态安全领域"),
        ("老百姓怎么参与", "扩大公民参与", "七、保障措施 › 社会参与"),
        ("What investment goes to ecological culture?", "6.37亿元", "六、重点工程 › 生态文化领域"),
        ("生態安全領域投資多少？", "12.74亿元", "六、重点工程 › 生态安全领域"),
    ],
)
def test_search_ranks_the_right_passage_first(plan_assistant: Assistant, question: str, needle: str, section: str):
    result = plan_assistant.search(question, k=3)
    top = result.chunks[0]
    assert needle in top.text and top.section == section, [(r.section, r.score) for r in result.chunks]


@pytest.mark.parametrize("mode", ["dense", "keyword", "hybrid"])
def test_each_mode_returns_typed_ranked_results(plan_assistant: Assistant, mode: str):
    result = plan_assistant.search("生态经济领域有哪些项目", k=5, mode=mode)
    assert 1 <= len(result.chunks) <= 5
    assert [r.rank for r in result.chunks] == list(range(1, len(result.chunks) + 1))
    assert [r.score for r in result.chunks] == sorted((r.score for r in result.chunks), reverse=True)
    assert "2.64亿元" in result.chunks[0].text
    assert all(r.chunk.id in plan_assistant.index.by_id for r in result.chunks)


def test_concurrent_searches_match_serial(plan_assistant: Assistant):
    questions = [
        "生态安全领域投资多少？", "规划原则有哪些", "近期目标是什么", "What are the guarantee measures?",
        "钱从哪里来", "建设指标有多少项", "四长治河是什么", "远期目标", "科技创新怎么做", "生态文化领域",
    ] * 3
    def run(q: str) -> list[tuple[str, float]]:
        return [(r.id, round(r.score, 5)) for r in plan_assistant.search(q, k=5).chunks]
    serial = [run(q) for q in questions]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(run, questions))
    assert parallel == serial


def test_missing_index_is_a_clear_error(tmp_path: Path, embedder):
    settings = make_settings(tmp_path)
    with pytest.raises(IndexMissingError, match="assistant index"):
        open_index(settings, embedder)


def test_mismatched_settings_or_corpus_are_clear_errors(tmp_path: Path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    settings = make_settings(tmp_path, corpus_dir=corpus, chunk_size=200)
    build_index(settings, embedder, progress=False)
    open_index(settings, embedder)  # matches
    with pytest.raises(IndexMismatchError, match="chunking.*assistant index"):
        open_index(make_settings(tmp_path, corpus_dir=corpus, chunk_size=250), embedder)
    with pytest.raises(IndexMismatchError, match="embedding model"):
        open_index(make_settings(tmp_path, corpus_dir=corpus, chunk_size=200, query_prompt="Q: "), embedder)
    plan = next(p for p in corpus.glob("*.md") if p.stem.lower() != "readme")
    plan.write_text(plan.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="corpus"):
        open_index(settings, embedder)


@pytest.mark.parametrize("pause_at", ["embed", "write", "validate", "switch"])
def test_killed_build_leaves_previous_index_working(tmp_path: Path, embedder, pause_at: str):
    settings = make_settings(tmp_path)
    first = build_index(settings, embedder, progress=False)
    before = Assistant(settings, embedder=embedder).search("生态安全领域投资多少", k=3)

    with builder_paused_at(settings, pause_at):
        with pytest.raises(IndexLockedError):  # one builder at a time
            build_index(settings, embedder, progress=False)

    layout = IndexLayout(settings.index_path)
    assert layout.current() == first.path
    after = Assistant(settings, embedder=embedder).search("生态安全领域投资多少", k=3)
    assert [r.id for r in after.chunks] == [r.id for r in before.chunks]
    second = build_index(settings, embedder, progress=False)  # the lock was released by the kill
    assert layout.current() == second.path
    assert not list(layout.builds.glob(".tmp-*"))


TOKENIZER_TEXTS = [
    "临江市实行四长治河新模式，生态安全领域投资12.74亿元。",
    "践行“两山”理念试验区和鸭绿江经济带",
    "生態安全領域投資多少？",
    "What investment goes to ecological culture?",
]


def test_tokenizers_with_the_same_words_share_one_dictionary():
    words = user_words(load_glossary(ROOT / "corpus"))
    first, second = ChineseTokenizer(words), ChineseTokenizer(reversed(words))
    assert first._tokenizer() is second._tokenizer()
    assert first.posseg is second.posseg and first.posseg.tokenizer is first._tokenizer()
    assert [first(t) for t in TOKENIZER_TEXTS] == [second(t) for t in TOKENIZER_TEXTS]
    assert "四长治河新模式" in first(TOKENIZER_TEXTS[0])  # the user words are in the shared dictionary
    assert ChineseTokenizer(words[:3])._tokenizer() is not first._tokenizer()  # other words, other dictionary


def test_preload_then_immediate_use_from_threads_matches_a_plain_tokenizer(monkeypatch: pytest.MonkeyPatch):
    words = user_words(load_glossary(ROOT / "corpus"))
    # Two word sets that differ only in a word absent from the texts: same segmentation,
    # separate dictionaries (so that the preloaded one really starts cold).
    plain = ChineseTokenizer([*words, "预载标记甲"])
    expected = [plain(t) for t in TOKENIZER_TEXTS]
    loads = []

    class Counted(jieba.Tokenizer):
        def __init__(self, *args):  # type: ignore[no-untyped-def]
            super().__init__(*args)
            loads.append(self)

    monkeypatch.setattr(jieba, "Tokenizer", Counted)
    preloaded = ChineseTokenizer([*words, "预载标记乙"])
    preloaded.preload()
    preloaded.preload()  # idempotent
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda i: [preloaded(t) for t in TOKENIZER_TEXTS], range(8)))
    assert got == [expected] * 8
    assert len(loads) == 1 and loads[0] is preloaded._tokenizer()
    assert ChineseTokenizer([*words, "预载标记乙"])._tokenizer() is loads[0]


def test_dictionary_read_in_one_piece_equals_jiebas_own_load():
    ours, theirs = jieba.Tokenizer(), jieba.Tokenizer()
    _initialize(ours)
    theirs.initialize()
    assert ours.initialized and ours.total == theirs.total and ours.FREQ == theirs.FREQ
