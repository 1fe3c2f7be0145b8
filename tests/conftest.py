"""Shared fixtures: the real embedding model (built once into models/) and a real Chroma
index built once per session in a temporary directory; under ``CI=true`` a skipped test
(a missing browser or Chroma binary) fails the run; an error logged by a web server
under test fails the test that was running (or the session, when logged at teardown)."""

from __future__ import annotations

import logging
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


# ----------------------------------------------------------------------------- CI runs everything
def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under CI=true a skip (chromium or the chroma CLI missing) is a failure: CI must run every test.
    A plain local ``pytest`` still skips, with the skip's reason."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and running_in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where every test must run: {reason}"


# ----------------------------------------------------------------------------- server errors
class ServerErrors(logging.Handler):
    """Errors logged by the web servers under test (uvicorn's “Exception in ASGI application”,
    a cancelled stream at shutdown …)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def since(self, start: int) -> list[str]:
        return [f"{r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "")
                for r in self.records[start:]]


SERVER_LOGGERS = ("uvicorn",)  # uvicorn.error and uvicorn.asgi propagate to it


@pytest.fixture(scope="session", autouse=True)
def server_errors() -> Iterator[ServerErrors]:
    """Set up first, torn down last: also sees what servers log when they stop."""
    handler = ServerErrors()
    for name in SERVER_LOGGERS:
        logging.getLogger(name).addHandler(handler)
    yield handler
    for name in SERVER_LOGGERS:
        logging.getLogger(name).removeHandler(handler)
    assert not handler.records, handler.since(0)


@pytest.fixture(autouse=True)
def no_server_error(server_errors: ServerErrors) -> Iterator[None]:
    start = len(server_errors.records)
    yield
    logged = server_errors.since(start)
    del server_errors.records[start:]  # reported here, not again at the end of the session
    assert not logged, f"the server logged an unexpected error: {logged}"
