"""What every benchmark shares: settings, the real embedding model (loaded once), a work
folder for cached synthetic corpora and indexes, and the run sizes (full or ``--quick``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from assistant.config import Settings, get_settings
from assistant.embeddings import Embedder

from .common import ROOT


@dataclass
class Sizes:
    runs: int = 3  # repetitions whose median is reported
    real_build_runs: int = 5
    build_chunks: int = 400  # synthetic corpus for build vs encode
    scale: tuple[int, ...] = (1_000, 10_000, 100_000)
    latency_questions: int = 30
    latency_rounds: int = 2
    variant_sample: int = 96  # chunk texts encoded per model variant
    variant_quality: bool = True  # run the Q&A evaluation for each model variant
    peer_rounds: int = 3
    cold_runs: int = 3
    web_levels: tuple[int, ...] = (10, 30, 60)
    web_requests: int = 5  # requests per client
    gradio_clients: int = 10

    @classmethod
    def quick(cls) -> "Sizes":
        return cls(
            runs=1, real_build_runs=2, build_chunks=120, scale=(1_000, 10_000), latency_questions=12,
            latency_rounds=1, variant_sample=32, variant_quality=False, peer_rounds=1, cold_runs=1,
            web_levels=(10, 30), web_requests=2, gradio_clients=4,
        )


@dataclass
class Context:
    sizes: Sizes
    work: Path
    quick: bool = False
    base: Settings = field(default_factory=lambda: _base_settings())

    @cached_property
    def embedder(self) -> Embedder:
        return Embedder(self.base)

    def settings(self, **overrides: object) -> Settings:
        return self.base.model_copy(update=overrides)

    def served_index(self, index_dir: Path) -> Settings:
        """Settings over ``index_dir`` holding a build made as ``assistant index`` makes it
        (clause and off-topic vectors stored), rebuilt when it is stale or lacks them."""
        from assistant.index import index_status
        from assistant.index.layout import IndexLayout
        from assistant.pipeline import Assistant

        settings = self.settings(index_dir=index_dir)
        current = IndexLayout(settings.index_path).current()
        complete = current is not None and all((current / f).exists() for f in ("clauses.npy", "queries-offtopic.npy"))
        if not complete or index_status(settings, self.embedder) is not None:
            Assistant(settings, embedder=self.embedder).build_index(progress=False)
        return settings

    def child_env(self, settings: Settings) -> dict[str, str]:
        """Environment for a subprocess that should open ``settings``' index."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
        env.update({
            "ASSISTANT_HOME": str(settings.home),
            "ASSISTANT_CORPUS_DIR": str(settings.corpus_path),
            "ASSISTANT_INDEX_DIR": str(settings.index_path),
            "ASSISTANT_MODELS_DIR": str(settings.models_path),
            "HF_HUB_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
        })
        if settings.chroma_url:
            env["ASSISTANT_CHROMA_URL"] = settings.chroma_url
        return env


def _base_settings() -> Settings:
    home = Path(os.environ.get("ASSISTANT_HOME", ROOT))
    # Local mode always: the server-mode benchmark starts its own `chroma run`.
    return get_settings(home=home, chroma_url=None, chroma_token=None)
