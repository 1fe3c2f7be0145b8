"""Shared fixtures: the real embedding model (built once into models/) and a real Chroma
index built once per session in a temporary directory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
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


BUILDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from assistant.config import Settings
    from assistant.embeddings import Embedder
    from assistant.index import build_index
    settings = Settings(home=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), models_dir=Path(sys.argv[3]))
    pause_at = sys.argv[4]
    def stage(name):
        print(name, flush=True)
        if name == pause_at:
            sys.stdin.readline()  # hold here until killed
    build_index(settings, Embedder(settings), progress=False, on_stage=stage)
    print("done", flush=True)
    """
)


@contextmanager
def builder_paused_at(settings: Settings, pause_at: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    """A real build in another process, held at the stage ``pause_at``; killed (SIGKILL)
    when the block ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", BUILDER, str(ROOT), str(settings.index_path), str(settings.models_path), pause_at],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, **(env or {})},
    )
    try:
        for line in proc.stdout:  # type: ignore[union-attr]  # wait until the builder reports its stage
            if line.strip() == pause_at:
                break
        else:
            pytest.fail(f"builder exited before {pause_at}: {proc.wait()}")
        yield proc
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
