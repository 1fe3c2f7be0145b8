"""The gaps report for staff: a self-contained HTML page (inline CSS, an inline SVG chart,
nothing loaded from elsewhere) and CSV files (UTF-8 with BOM, for Excel), written from a
:class:`~assistant.gaps.GapsResult`. The page's layout and labels are the template
``assistant/data/gaps_report.html``."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .gaps import KINDS, OUTCOMES, GapsResult, Group
from .masking import csv_safe

TEMPLATE_DIR = Path(__file__).with_name("data")
TEMPLATE = "gaps_report.html"
#: How the kinds are named on the page and in the chart.
KIND_LABELS = {"not_covered": "文件未涉及", "off_topic": "与文件无关", "disliked": "点了“没帮助”", "injection": "指令注入"}
KIND_COLOURS = {"not_covered": "#0b4f9c", "off_topic": "#9a9a9a", "disliked": "#c0392b", "injection": "#6b3fa0"}
CHART_GROUPS = 15

GROUP_COLUMNS = ("group", "count", *KINDS, "nearest_section", "source", "reasons", "examples", "first_seen", "last_seen")
QUESTION_COLUMNS = ("group", "question", "hour", "refusal_kind", "rating", "reason", "injection", "nearest_section", "channel")


def safe_cell(value: Any) -> Any:
    """A cell that a spreadsheet will not run as a formula: :func:`assistant.masking.csv_safe`,
    the rule the feedback export uses."""
    return csv_safe(value)


def _csv(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: safe_cell(row.get(k, "")) for k in columns})
            n += 1
    return n


def group_row(group: Group) -> dict[str, Any]:
    return {
        "group": group.number, "count": group.count, **group.kinds,
        "nearest_section": group.section, "source": group.source,
        "reasons": "；".join(f"{r}×{n}" for r, n in group.reasons.items()),
        "examples": " | ".join(group.examples), "first_seen": group.first_seen, "last_seen": group.last_seen,
    }


def write_csv(result: GapsResult, rows: list[dict[str, Any]], out_dir: Path) -> tuple[Path, Path]:
    """``gaps.csv`` (one line per group) and ``gaps-questions.csv`` (one per logged question)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    groups_csv, questions_csv = out_dir / "gaps.csv", out_dir / "gaps-questions.csv"
    _csv((group_row(g) for g in result.groups), GROUP_COLUMNS, groups_csv)
    group_of = {rid: g.number for g in result.groups for rid in g.row_ids}
    _csv(({"group": group_of.get(r["id"], ""), "nearest_section": r.get("section") or "", **r,
           "injection": int(bool(r.get("injection")))} for r in sorted(rows, key=lambda r: (group_of.get(r["id"], 0), r["hour"]))),
         QUESTION_COLUMNS, questions_csv)
    return groups_csv, questions_csv


def chart_svg(groups: tuple[Group, ...]) -> str:
    """Horizontal stacked bars: the largest groups, by how their questions went unanswered
    (matplotlib's SVG with text kept as text, so the browser draws the Chinese)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .eval_chart import _cjk_font

    shown = list(groups[:CHART_GROUPS])[::-1]
    labels = [f"#{g.number} {_short(g.question)}" for g in shown]
    font = _cjk_font()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "gaps", "font.size": 11,
                         "font.sans-serif": [f for f in (font, "DejaVu Sans") if f]}), warnings.catch_warnings():
        # the text stays text in the SVG: the browser draws it, whether or not matplotlib has a Chinese font
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        fig, ax = plt.subplots(figsize=(9, 0.42 * max(len(shown), 3) + 1.2))
        left = [0.0] * len(shown)
        for kind in OUTCOMES:
            values = [g.outcome.get(kind, 0) for g in shown]
            if not any(values):
                continue
            ax.barh(range(len(shown)), values, left=left, color=KIND_COLOURS[kind], label=KIND_LABELS[kind])
            left = [a + b for a, b in zip(left, values)]
        ax.set_yticks(range(len(shown)))
        ax.set_yticklabels(labels)
        ax.set_xlabel("提问次数")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(loc="lower right", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
        plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]  # no XML prolog or doctype inside the page
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    return re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1role="img" aria-labelledby="chart-title" class="chart" ', svg, count=1)


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def render_html(result: GapsResult, title: str, generated: datetime | None = None) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    template = env.get_template(TEMPLATE)
    totals = {k: sum(g.kinds[k] for g in result.groups) for k in KINDS}
    return template.render(
        title=title, result=result, groups=result.groups, totals=totals, kinds=KINDS, labels=KIND_LABELS,
        colours=KIND_COLOURS, chart=chart_svg(result.groups) if result.groups else "",
        since=_day(result.since), until=_day(result.until),
        generated=(generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
    )


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def write_report(result: GapsResult, rows: list[dict[str, Any]], out_dir: Path, title: str) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / "gaps.html"
    html_path.write_text(render_html(result, title), encoding="utf-8")
    groups_csv, questions_csv = write_csv(result, rows, out_dir)
    return {"html": html_path, "csv": groups_csv, "questions_csv": questions_csv}
