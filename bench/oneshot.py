"""``assistant ask`` one-shot: the whole command as a user runs it, a fresh process from start
to exit, timed by ``/usr/bin/time`` (wall, CPU, peak RSS), and what it imports
(``python -X importtime``).

With ``BENCH_BASELINE=DIR`` (another checkout of the project, e.g. a worktree of an older
commit), the same command from that tree is run interleaved with this one, so both are
measured under the same load of the machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from assistant.config import Settings

from .common import ROOT, Section, median, table
from .context import Context

QUESTION = "生态安全领域投资多少？"
TARGET_WALL_S = 3.0
TARGET_RSS_MIB = 600
#: packages the one-shot answer should not import (what each one cost is shown when it does)
WATCHED = ("sklearn", "gradio", "openai", "langchain_openai", "langchain_huggingface", "chromadb", "fastapi",
           "torch", "transformers", "sentence_transformers", "jieba", "bm25s")


def _env(tree: Path, settings: Settings) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1", "ASSISTANT_HOME": str(settings.home),
            "ASSISTANT_INDEX_DIR": str(settings.index_path), "ASSISTANT_MODELS_DIR": str(settings.models_path)}


def _command(tree: Path) -> list[str]:
    return [sys.executable, "-c", "import sys; from assistant.cli import main; sys.argv[0] = 'assistant'; main()",
            "ask", QUESTION]


def one_run(tree: Path, settings: Settings) -> dict[str, float]:
    """wall s, CPU s (user + system) and peak RSS MiB of one ``assistant ask``."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        proc = subprocess.run(["/usr/bin/time", "-o", out.name, "-f", "%e %U %S %M", *_command(tree)],
                              capture_output=True, text=True, env=_env(tree, settings), cwd=str(tree))
        if proc.returncode != 0 or "12.74" not in proc.stdout:
            raise RuntimeError(f"assistant ask failed ({proc.returncode}): {proc.stderr[-1500:]}")
        wall, user, system, kib = (float(x) for x in out.read().split()[-4:])
    return {"wall": wall, "cpu": user + system, "rss": kib / 1024}


def imports(tree: Path, settings: Settings) -> dict[str, float]:
    """Cumulative import seconds of each watched top-level package (absent: not imported)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *_command(tree)[1:]], capture_output=True, text=True,
                          env=_env(tree, settings), cwd=str(tree))
    out: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)$", line)
        if m and m.group(3) in WATCHED:
            out[m.group(3)] = max(out.get(m.group(3), 0.0), int(m.group(1)) / 1e6)
    return out


def run(ctx: Context) -> Section:
    sec = Section("assistant ask, one-shot")
    settings = ctx.served_index(ctx.work / "cold-index")  # built as `assistant index` builds it
    trees = {"this tree": ROOT}
    if os.environ.get("BENCH_BASELINE"):
        trees["baseline"] = Path(os.environ["BENCH_BASELINE"]).resolve()
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(ctx.sizes.cold_runs + 2):
        for name, tree in trees.items():
            runs[name].append(one_run(tree, settings))
    stats = {name: {k: median([r[k] for r in rs]) for k in ("wall", "cpu")} | {"rss": max(r["rss"] for r in rs)}
             for name, rs in runs.items()}
    mine = stats["this tree"]
    sec.figure("assistant ask one-shot: median wall", mine["wall"], "s", f"≤ {TARGET_WALL_S:.0f} s",
               mine["wall"] <= TARGET_WALL_S, f"CPU {mine['cpu']:.1f} s (user + system)")
    sec.figure("assistant ask one-shot: peak RSS", mine["rss"], "MiB", f"≤ {TARGET_RSS_MIB} MiB",
               mine["rss"] <= TARGET_RSS_MIB)
    if "baseline" in stats:
        base = stats["baseline"]
        sec.figure("assistant ask one-shot: CPU seconds, this tree / baseline", mine["cpu"] / base["cpu"], "×",
                   note=f"{mine['cpu']:.1f} s vs {base['cpu']:.1f} s; wall {mine['wall']:.1f} s vs {base['wall']:.1f} s; "
                   f"peak RSS {mine['rss']:.0f} vs {base['rss']:.0f} MiB")
    sec.add(
        f"`assistant ask \"{QUESTION}\"` over a built index, each run a fresh process timed by `/usr/bin/time` "
        f"(wall, user + system CPU, maximum resident set), {len(runs['this tree'])} runs per tree"
        + (", interleaved with the baseline tree `BENCH_BASELINE`" if "baseline" in trees else "")
        + ". Medians of wall and CPU, the largest peak RSS. CPU seconds are the figure least moved by other "
        "jobs on the machine.",
        "",
        table(["tree", "run", "wall s", "CPU s", "peak RSS MiB"],
              [[name, i + 1, f"{r['wall']:.2f}", f"{r['cpu']:.2f}", f"{r['rss']:.0f}"]
               for name, rs in runs.items() for i, r in enumerate(rs)]),
        "",
        "Cumulative import time (s, one `python -X importtime` run per tree) of the packages watched; "
        "– = not imported:",
        "",
    )
    found = {name: imports(tree, settings) for name, tree in trees.items()}
    sec.add(table(["package", *trees], [[p, *(f"{found[n][p]:.2f}" if p in found[n] else "–" for n in trees)]
                                        for p in WATCHED]))
    return sec
