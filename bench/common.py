"""Shared helpers: timing, percentiles, machine facts and the figures of the report."""

from __future__ import annotations

import os
import platform
import socket
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from assistant.evaluation import markdown_table as table  # noqa: F401  (re-exported to the bench modules)

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Figure:
    """One measured figure of the report, with its target and whether it is met."""

    section: str
    name: str
    value: float | None
    unit: str = ""
    target: str = ""  # e.g. "≤ 1.25"
    met: bool | None = None
    note: str = ""

    def shown(self) -> str:
        if self.value is None:
            return "–"
        v = self.value
        if self.unit in ("ms",):
            text = f"{v:.1f}"
        elif self.unit in ("s",):
            text = f"{v:.2f}"
        elif self.unit in ("×",):
            text = f"{v:.2f}"
        elif self.unit in ("MiB",):
            text = f"{v:.0f}"
        elif abs(v) >= 100:
            text = f"{v:.0f}"
        else:
            text = f"{v:.3g}"
        return f"{text} {self.unit}".strip()

    def verdict(self) -> str:
        return "–" if self.met is None else ("met" if self.met else "**not met**")


@dataclass
class Section:
    """A benchmark's part of the report: its figures and free-form Markdown details."""

    title: str
    figures: list[Figure] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def figure(self, name: str, value: float | None, unit: str = "", target: str = "", met: bool | None = None,
               note: str = "") -> Figure:
        f = Figure(self.title, name, value, unit, target, met, note)
        self.figures.append(f)
        return f

    def add(self, *lines: str) -> None:
        self.details.extend(lines)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_flags() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                return ", ".join(f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile") if f in flags)
    except OSError:
        pass
    return ""


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine() -> dict[str, str]:
    import chromadb
    import torch

    try:
        import sentence_transformers

        st = sentence_transformers.__version__
    except Exception:  # noqa: BLE001
        st = "?"
    mem = memory_gib()
    return {
        "date (UTC)": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "host": platform.node(),
        "OS": f"{platform.system()} {platform.release()}",
        "CPU": f"{cpu_model()} · {os.cpu_count()} logical cores · {cpu_flags()}",
        "memory": f"{mem:.1f} GiB" if mem else "?",
        "Python": platform.python_version(),
        "torch": f"{torch.__version__} ({torch.get_num_threads()} threads)",
        "sentence-transformers": st,
        "chromadb": chromadb.__version__,
        "load average at start (1/5/15 min)": load_average(),
    }
