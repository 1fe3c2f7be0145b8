"""The report's chart: pass rate per category, one bar per system (matplotlib, Agg)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _cjk_font() -> str | None:
    """A font installed for matplotlib that shows Chinese, if any."""
    from matplotlib import font_manager

    hints = ("CJK", "WenQuanYi", "Han Sans", "Han Serif", "SimHei", "SimSun", "Hei", "Song", "Kai", "Ming", "Droid Sans Fallback")
    for font in font_manager.fontManager.ttflist:
        if any(h.lower() in font.name.lower() for h in hints):
            return font.name
    return None


def render_chart(report: Mapping[str, Any], path: Path) -> None:
    """Grouped bars: pass rate per category, one bar per system (English labels unless a
    Chinese font is installed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = report["metrics"]
    cats = list(systems["project"]["categories"])
    font = _cjk_font()
    title = "Pass rate by category (answerable: exact answer; others: correct refusal)"
    rc = {"font.sans-serif": [font, "DejaVu Sans"]} if font else {}
    if font:
        title = "各类问题通过率 · " + title
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(max(8, 0.8 * len(cats) + 2), 4.8))
        width = 0.8 / len(systems)
        colors = ("#2b7bba", "#c0c0c0", "#e08a3c")
        for k, (name, metrics) in enumerate(systems.items()):
            values = [metrics["categories"][c]["pass_rate"] or 0.0 for c in cats]
            xs = [i + (k - (len(systems) - 1) / 2) * width for i in range(len(cats))]
            ax.bar(xs, values, width, label=name, color=colors[k % len(colors)])
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels(cats, rotation=35, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("pass rate")
        ax.set_title(title, fontsize=10)
        ax.legend()
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        plt.close(fig)
