"""Chroma server mode: what the HTTP hop costs. The same corpus is indexed in the embedded
store and in a ``chroma run`` server on 127.0.0.1; vector search and full retrieval are
timed on both, interleaved in the same rounds."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from assistant.pipeline import Assistant

from .common import Section, free_port, percentile, table
from .context import Context
from .latency import questions
from .model import threads
from .synth import build_synthetic_index

CHROMA = Path(sys.executable).parent / "chroma"


class ChromaServer:
    def __init__(self, data: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(data.parent / "chroma-server.log", "wb")
        self.proc = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait(self, deadline: float = 60.0) -> None:
        import httpx

        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("chroma run did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def compare(local: Assistant, server: Assistant, qs: list[str], rounds: int) -> dict[str, dict[str, float]]:
    vectors = [local.embedder.embed_query(q) for q in qs]
    k = local.settings.candidates
    for a in (local, server):
        a.search(qs[0])
    samples: dict[str, dict[str, list[float]]] = {
        name: {"vector search": [], "retrieval": []} for name in ("embedded", "server")
    }
    identical = 0
    overlap: list[float] = []
    with threads(1):
        for _ in range(rounds):
            for q, v in zip(qs, vectors):
                for name, a in (("embedded", local), ("server", server)):
                    t0 = time.perf_counter()
                    a.index.dense(v, k)
                    samples[name]["vector search"].append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    a.search(q)
                    samples[name]["retrieval"].append((time.perf_counter() - t0) * 1000)
        for q in qs:
            x, y = ([c.id for c in a.search(q).chunks] for a in (local, server))
            identical += x == y
            overlap.append(len(set(x) & set(y)) / max(len(x), 1))
    out = {name: {f"{part} p50": percentile(v, 50) for part, v in parts.items()} for name, parts in samples.items()}
    out["agreement"] = {"identical": identical / len(qs), "overlap": sum(overlap) / len(overlap)}
    return out


def run(ctx: Context) -> Section:
    sec = Section("Chroma server mode")
    if not CHROMA.exists():
        sec.add(f"Not run: no `chroma` CLI at {CHROMA}.")
        return sec
    work = ctx.work / "server"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    server = ChromaServer(work / "db")
    qs = questions(ctx, ctx.sizes.latency_questions)
    rows = []
    try:
        server.wait()
        sizes: list[int | None] = [None] + ([10_000] if not ctx.quick else [])
        for size in sizes:
            if size is None:
                local_settings = ctx.settings(index_dir=work / "local-index")
                server_settings = ctx.settings(index_dir=work / "server-index", chroma_url=server.url)
                t0 = time.perf_counter()
                Assistant(local_settings, embedder=ctx.embedder).build_index(progress=False)
                t_local = time.perf_counter() - t0
                t0 = time.perf_counter()
                Assistant(server_settings, embedder=ctx.embedder).build_index(progress=False)
                t_server = time.perf_counter() - t0
                label = "plan (21 chunks)"
            else:
                local_settings, _ = build_synthetic_index(ctx.base, ctx.embedder, ctx.work, size)
                t0 = time.perf_counter()
                server_base = ctx.settings(chroma_url=server.url)
                server_settings, _ = build_synthetic_index(server_base, ctx.embedder, work, size)
                t_server = time.perf_counter() - t0
                t_local = float("nan")
                label = f"synthetic ({size:,} chunks)"
            local = Assistant(local_settings, embedder=ctx.embedder)
            remote = Assistant(server_settings, embedder=ctx.embedder)
            res = compare(local, remote, qs, ctx.sizes.latency_rounds)
            e, s = res["embedded"], res["server"]
            rows.append([label, f"{e['vector search p50']:.1f}", f"{s['vector search p50']:.1f}",
                         f"{e['retrieval p50']:.1f}", f"{s['retrieval p50']:.1f}",
                         f"{res['agreement']['identical']:.0%} / {res['agreement']['overlap']:.0%}",
                         f"{t_local:.1f}", f"{t_server:.1f}"])
            sec.figure(f"server mode: extra vector-search time, {label}",
                       s["vector search p50"] - e["vector search p50"], "ms", note="p50, HTTP on 127.0.0.1")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    sec.add(
        f"`chroma run` on 127.0.0.1 vs the embedded store, {len(qs)} questions × {ctx.sizes.latency_rounds} rounds, "
        "interleaved, one torch thread (the model is not what is compared); p50 in ms. Agreement: share of "
        "questions whose hybrid top-5 is identical, and mean overlap of the two top-5 sets — the plan is searched "
        "exactly; two HNSW graphs built separately over 10k vectors may differ in their approximate neighbours "
        "(tests/test_chroma_server.py checks exact equality on the plan). Build times in s (the synthetic build does "
        "not run the model).",
        "",
        table(["corpus", "vector search, embedded", "vector search, server", "retrieval, embedded",
               "retrieval, server", "identical top-5 / overlap", "build s, embedded", "build s, server"], rows),
    )
    return sec
