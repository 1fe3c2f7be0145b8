"""The index: a Chroma collection, a BM25 keyword index and readable files, with a manifest.

Layout under ``index/``::

    CURRENT                 name of the build in service (switched atomically)
    builds/<build-id>/
        manifest.json       model, dimension, chunking, chromadb version, counts, corpus hash
        chunks.jsonl        every chunk, readable
        chroma/             Chroma persistent store (collection ``plan_chunks``)
        bm25/               bm25s index over jieba tokens
        .lease-<host>-<pid> a process serving this build (kept from deletion while it lives)
    .build.lock             one builder at a time

A build is written into ``builds/.tmp-<id>``, validated (count, dimension, self-retrieval
of sample chunks), renamed, and only then is ``CURRENT`` replaced, so a reader never sees
a half-built index and a killed build leaves the previous one in service.

Server mode (``ASSISTANT_CHROMA_URL`` set): the vectors go to a Chroma server (``chroma
run``) instead of ``chroma/``, one collection per build (``plan_chunks-<build-id>``); the
manifest, ``chunks.jsonl`` and ``bm25/`` stay in the build folder as above (every app
process reads them). The same guarantee holds: the new collection is written and
validated before ``CURRENT`` switches, the collection of a killed build is dropped with
its ``.tmp-`` folder by the next build, and a build folder's collection is dropped when
the folder is (old builds beyond :data:`KEEP_OLD_BUILDS`).

Modules: :mod:`.layout` (the folder, ``CURRENT`` and the manifest), :mod:`.store` (the
Chroma client of a build, local or server, and collection names), :mod:`.reader`
(:class:`PlanIndex`, :func:`open_index`) and :mod:`.build` (:func:`build_index`: build,
validate, switch). Everything public is importable from ``assistant.index``.
"""

from __future__ import annotations

from .build import KEEP_OLD_BUILDS, VALIDATE_DEPTH, BuildReport, build_index
from .layout import FORMAT_VERSION, IndexLayout, check_manifest, chunking_config, expected_manifest, is_leased, lease, release
from .reader import PlanIndex, index_status, open_index
from .store import (
    COLLECTION,
    LOCAL_STORE,
    SERVER_STORE,
    SERVER_TIMEOUT,
    ChromaServerError,
    build_client,
    check_store,
    chroma_client,
    collection_name,
    manifest_store,
    server_client,
    store_kind,
)

__all__ = [
    "COLLECTION",
    "FORMAT_VERSION",
    "KEEP_OLD_BUILDS",
    "LOCAL_STORE",
    "SERVER_STORE",
    "SERVER_TIMEOUT",
    "VALIDATE_DEPTH",
    "BuildReport",
    "ChromaServerError",
    "IndexLayout",
    "PlanIndex",
    "build_client",
    "build_index",
    "check_manifest",
    "check_store",
    "chroma_client",
    "chunking_config",
    "collection_name",
    "expected_manifest",
    "index_status",
    "is_leased",
    "lease",
    "manifest_store",
    "open_index",
    "release",
    "server_client",
    "store_kind",
]
