"""The evaluation's gate: thresholds on metric paths (``eval/thresholds.json``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def metric_at(metrics: Mapping[str, Any], path: str) -> Any:
    """``metric_at(m, "retrieval.hybrid.hit@5")`` → m["retrieval"]["hybrid"]["hit@5"] (None if absent)."""
    node: Any = metrics
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """``{"min": {metric path: floor}, "max": {metric path: ceiling}}`` (other keys are comments)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"{path}: cannot read thresholds ({err})") from err
    out: dict[str, dict[str, float]] = {}
    for bound in ("min", "max"):
        table = data.get(bound, {})
        if not isinstance(table, dict) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in table.values()
        ):
            raise ValueError(f"{path}: {bound!r} must map metric paths to numbers")
        out[bound] = {str(k): float(v) for k, v in table.items()}
    if not out["min"] and not out["max"]:
        raise ValueError(f"{path}: no thresholds under 'min' or 'max'")
    return out


def check_gate(metrics: Mapping[str, Any], thresholds: Mapping[str, Mapping[str, float]]) -> list[str]:
    """One line per metric that misses its threshold (empty when the gate passes)."""
    failures: list[str] = []
    for path, floor in thresholds.get("min", {}).items():
        value = metric_at(metrics, path)
        if not isinstance(value, (int, float)):
            failures.append(f"{path}: not measured (minimum {floor:g})")
        elif value < floor:
            failures.append(f"{path} = {value:.3f} < {floor:g} (minimum)")
    for path, ceiling in thresholds.get("max", {}).items():
        value = metric_at(metrics, path)
        if not isinstance(value, (int, float)):
            failures.append(f"{path}: not measured (maximum {ceiling:g})")
        elif value > ceiling:
            failures.append(f"{path} = {value:.3f} > {ceiling:g} (maximum)")
    return failures
