"""A damaged index is one clear sentence naming the problem and `assistant index`: opening it
raises IndexCorruptError (an AssistantError, which the web app answers with 503), and the
CLI prints that sentence with a non-zero exit code and no traceback."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant import cli, pipeline
from assistant.errors import AssistantError, IndexCorruptError
from assistant.index import IndexLayout, build_index, index_status, open_index
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:  # type: ignore[no-untyped-def]
    """A real index of the project's corpus, built once; each test damages a copy."""
    tmp = tmp_path_factory.mktemp("faults")
    build_index(make_settings(tmp), embedder, progress=False)
    return tmp / "index"


def _truncate(build: Path) -> None:  # cut inside a multi-byte character: UnicodeDecodeError
    data = (build / "chunks.jsonl").read_bytes()
    cut = next(i for i in range(len(data) // 2, len(data)) if data[i] >= 0xC0) + 1
    (build / "chunks.jsonl").write_bytes(data[:cut])


def _shorten(build: Path) -> None:  # a record without its fields: KeyError
    lines = (build / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    (build / "chunks.jsonl").write_text("\n".join(lines[:-1] + ['{"id": "x"}']) + "\n", encoding="utf-8")


def _drop_lines(build: Path) -> None:  # fewer chunks than the manifest says
    lines = (build / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    (build / "chunks.jsonl").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")


FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "chunks truncated": (_truncate, "chunks.jsonl"),
    "chunks shortened": (_shorten, "chunks.jsonl"),
    "chunks missing lines": (_drop_lines, "chunks.jsonl"),
    "chunks deleted": (lambda b: (b / "chunks.jsonl").unlink(), "chunks.jsonl"),
    "chroma deleted": (lambda b: shutil.rmtree(b / "chroma"), "chroma/"),
    "chroma emptied": (lambda b: [p.unlink() for p in (b / "chroma").rglob("*") if p.is_file()], "chroma/"),
    "manifest is []": (lambda b: (b / "manifest.json").write_text("[]", encoding="utf-8"), "manifest.json"),
    "manifest truncated": (lambda b: (b / "manifest.json").write_text('{"build_id": ', encoding="utf-8"), "manifest.json"),
    "bm25 deleted": (lambda b: shutil.rmtree(b / "bm25"), "bm25/"),
}


def _damaged_copy(built: Path, tmp_path: Path, fault: str):  # type: ignore[no-untyped-def]
    shutil.copytree(built, tmp_path / "index")
    settings = make_settings(tmp_path)
    damage, part = FAULTS[fault]
    damage(IndexLayout(settings.index_path).current())  # type: ignore[arg-type]
    return settings, part


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_damaged_index_is_one_clear_sentence(built: Path, tmp_path: Path, embedder, fault: str) -> None:  # type: ignore[no-untyped-def]
    settings, part = _damaged_copy(built, tmp_path, fault)
    with pytest.raises(IndexCorruptError) as info:
        open_index(settings, embedder)
    message = str(info.value)
    assert isinstance(info.value, AssistantError)
    assert part in message and "assistant index" in message and "\n" not in message
    assert message.count("。") == 1 and message.endswith("。") and len(message) < 400
    assert index_status(settings, embedder) == message  # `assistant index --if-needed` rebuilds it


@pytest.mark.parametrize("fault", ["chunks truncated", "chroma deleted", "manifest is []", "bm25 deleted"])
@pytest.mark.parametrize("command", ["ask", "search"])
def test_the_cli_prints_the_sentence_and_fails(built: Path, tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                               fault: str, command: str) -> None:
    settings, part = _damaged_copy(built, tmp_path, fault)
    monkeypatch.setattr(pipeline, "Embedder", lambda _settings: embedder)  # the loaded model, not a second copy
    env = {"ASSISTANT_HOME": str(settings.home), "ASSISTANT_INDEX_DIR": str(settings.index_path),
           "ASSISTANT_MODELS_DIR": str(settings.models_path)}
    result = CliRunner().invoke(cli.main, [command, "生态安全领域投资多少？"], env=env)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a ClickException, not an uncaught error
    assert part in result.output and "assistant index" in result.output and "Traceback" not in result.output


def test_a_rebuild_repairs_it(built: Path, tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    settings, _ = _damaged_copy(built, tmp_path, "chunks truncated")
    build_index(settings, embedder, progress=False)
    assert len(open_index(settings, embedder).chunks) > 0
