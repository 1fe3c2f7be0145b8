"""Rebuilds under a running app: the app (uvicorn on loopback) follows index/CURRENT to the
new build between requests, /healthz shows the build it serves, and a build is not deleted
while a process serves it (a lease; stale leases of dead processes are ignored)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from assistant.index import build_index, is_leased, lease, release
from assistant.index.layout import LEASE_PREFIX
from assistant.pipeline import Assistant
from tests.browser.live import LiveServer
from tests.conftest import ROOT, make_settings

DOC = """---
title: 《示例市口袋公园建设方案》
issuer: 示例市园林局
---
# 示例市口袋公园建设方案

## 一、建设目标

到2027年，全市新建口袋公园{parks}个，每个街道至少一个。

## 二、资金安排

口袋公园建设共投资1.5亿元，由市级财政统筹安排。
"""
QUESTION = "全市新建多少个口袋公园？"


def write_corpus(folder: Path, parks: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.md").write_text(DOC.format(parks=parks), encoding="utf-8")


@pytest.fixture()
def home(tmp_path: Path) -> Settings:
    write_corpus(tmp_path / "corpus", 30)
    return make_settings(tmp_path, corpus_dir=tmp_path / "corpus")


def test_the_running_app_follows_rebuilds_and_keeps_its_build(home: Settings, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = build_index(home, embedder, progress=False)
    server = LiveServer(Assistant(home, embedder=embedder), Settings(home=ROOT, feedback_db=tmp_path / "fb.sqlite3")).start()
    try:
        before = httpx.get(server.url + "/healthz").json()
        assert before["build_id"] == first.build_id
        answer = httpx.post(server.url + "/api/ask", json={"question": QUESTION}, timeout=60).json()
        assert "30个" in answer["answer"] and not answer["refused"]
        assert is_leased(first.path)

        write_corpus(home.corpus_path, 45)  # the plan office changes its documents and rebuilds, three times
        later = [build_index(home, embedder, progress=False) for _ in range(3)]
        ids = [first.build_id] + [b.build_id for b in later]
        assert ids == sorted(ids)  # names order builds by age, even within one second (oldest removed first)
        assert first.path.exists()  # three newer builds: it would be removed, but the app still serves it

        answer = httpx.post(server.url + "/api/ask", json={"question": QUESTION}, timeout=60).json()
        assert "45个" in answer["answer"] and "30个" not in answer["answer"]  # the new build, without a restart
        health = httpx.get(server.url + "/healthz").json()
        assert health["build_id"] == later[-1].build_id and health["corpus_hash"] != before["corpus_hash"]
        assert not is_leased(first.path)  # released when the app switched

        build_index(home, embedder, progress=False)
        assert not first.path.exists()  # now it is removed like any old build
        assert is_leased(later[-1].path)
    finally:
        server.stop()


def test_stale_and_foreign_leases(tmp_path: Path) -> None:
    build = tmp_path / "builds" / "b1"
    build.mkdir(parents=True)
    assert not is_leased(build)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    host = socket.gethostname().replace("-", "_")
    (build / f"{LEASE_PREFIX}{host}-{int(dead.stdout)}").write_text("")
    assert not is_leased(build)  # its process is gone: stale
    lease(build)
    lease(build)  # a second user in the same process
    assert is_leased(build) and (build / f"{LEASE_PREFIX}{host}-{os.getpid()}").exists()
    release(build)
    assert is_leased(build)
    release(build)
    assert not is_leased(build)
    (build / f"{LEASE_PREFIX}otherhost-123").write_text("")
    assert is_leased(build)  # another host's process cannot be seen: honoured


def test_a_broken_new_build_keeps_the_old_one_serving(home: Settings, embedder) -> None:  # type: ignore[no-untyped-def]
    first = build_index(home, embedder, progress=False)
    assistant = Assistant(home, embedder=embedder)
    assert "30个" in assistant.ask(QUESTION).text
    second = build_index(home, embedder, progress=False)
    (second.path / "chunks.jsonl").write_text("{", encoding="utf-8")  # damaged after the switch
    assert "30个" in assistant.ask(QUESTION).text and assistant.index.build_id == first.build_id
