"""Shared fixtures: the real embedding model (built once into models/) and a real Chroma
index built once per session in a temporary directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.embeddings import Embedder
from assistant.pipeline import Assistant

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"


def make_settings(tmp: Path, **overrides: object) -> Settings:
    """Settings for a test: the project's corpus and model, an index under ``tmp``."""
    values: dict[str, object] = {
        "home": ROOT,
        "index_dir": tmp / "index",
        "models_dir": Path(os.environ.get("ASSISTANT_MODELS_DIR", ROOT / "models")),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    return Embedder(make_settings(tmp_path_factory.mktemp("model")))


@pytest.fixture(scope="session")
def plan_assistant(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Assistant:
    """An assistant over the real plan with a freshly built index (built once)."""
    assistant = Assistant(make_settings(tmp_path_factory.mktemp("plan")), embedder=embedder)
    assistant.build_index(progress=False)
    return assistant
