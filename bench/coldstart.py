"""Cold start and memory: a fresh process, from its start to its first answer over a built
index, and its peak RSS."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
import time

from assistant.config import Settings

from .common import Section, median, table
from .context import Context

TARGET_S = 10.0
TARGET_RSS_GIB = 1.5
QUESTION = "生态安全领域投资多少？"

CHILD = textwrap.dedent(
    """
    import json, sys, time
    t0 = time.perf_counter()
    from assistant.pipeline import Assistant
    t1 = time.perf_counter()
    a = Assistant()
    a.embedder
    t2 = time.perf_counter()
    a.index
    t3 = time.perf_counter()
    answer = a.ask(sys.argv[1])
    t4 = time.perf_counter()
    status = open("/proc/self/status").read()
    hwm = int(status.split("VmHWM:")[1].split()[0]) if "VmHWM:" in status else 0
    print(json.dumps({"import": t1 - t0, "model": t2 - t1, "index": t3 - t2, "first_ask": t4 - t3,
                      "hwm_kib": hwm, "refused": answer.refused, "citations": len(answer.citations)}), flush=True)
    """
)


def cold_start(ctx: Context, settings: Settings) -> dict[str, float]:
    """One run: wall time from spawning the process to reading its answer; peak RSS (MiB):
    the child's own high-water mark (``VmHWM``), and its rusage ``ru_maxrss`` (``wait4``,
    the per-child form of RUSAGE_CHILDREN) for comparison — on Linux the latter also holds
    the parent's RSS at the moment of the fork/exec, so it reads high from a big parent."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, QUESTION], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ctx.child_env(settings), cwd=str(settings.home))
    assert proc.stdout is not None
    line = proc.stdout.readline()
    wall = time.perf_counter() - t0
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else ""
    proc.stdout.close()
    if proc.stderr:
        proc.stderr.close()
    if not line.strip():
        raise RuntimeError(f"cold-start child failed ({proc.returncode}): {err[-1500:]}")
    parts = json.loads(line)
    return {"wall": wall, "rss_mib": parts["hwm_kib"] / 1024 if parts.get("hwm_kib") else usage.ru_maxrss / 1024,
            "rusage_mib": usage.ru_maxrss / 1024, **parts}


def run(ctx: Context) -> Section:
    sec = Section("Cold start and memory")
    settings = ctx.served_index(ctx.work / "cold-index")  # built as `assistant index` builds it
    runs = [cold_start(ctx, settings) for _ in range(ctx.sizes.cold_runs)]
    wall = median([r["wall"] for r in runs])
    rss = max(r["rss_mib"] for r in runs)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sec.figure("cold start: process start → first answer", wall, "s", f"≤ {TARGET_S:.0f} s", wall <= TARGET_S)
    sec.figure("peak RSS of that process", rss, "MiB", f"≤ {TARGET_RSS_GIB * 1024:.0f} MiB (1.5 GiB)",
               rss <= TARGET_RSS_GIB * 1024)
    keys = ("import", "model", "index", "first_ask")
    sec.add(
        f"{len(runs)} fresh processes (`python -c`: import the package, `Assistant()` from the environment, "
        f"load the model, open the index, answer “{QUESTION}”), each timed from spawn to its printed answer. "
        "Peak RSS is the child's own high-water mark (`VmHWM` of /proc/self/status, read after the answer). "
        "Its `ru_maxrss` (`os.wait4`, the per-child form of `getrusage(RUSAGE_CHILDREN)`) is shown too but "
        "is not the process's own peak: Linux carries the parent's RSS into the child's `maxrss` at exec, so "
        f"it reads at least this benchmark process's own peak at that moment (now {own:.0f} MiB; "
        f"`RUSAGE_CHILDREN` over all children of this run: {children:.0f} MiB).",
        "",
        table(["run", "wall s", *(f"{k} s" for k in keys), "peak RSS MiB (VmHWM)", "ru_maxrss MiB"],
              [[i + 1, f"{r['wall']:.2f}", *(f"{r[k]:.2f}" for k in keys), f"{r['rss_mib']:.0f}",
                f"{r['rusage_mib']:.0f}"] for i, r in enumerate(runs)]),
    )
    return sec
