"""The staff's gaps report: the grouping threshold calibrated on paraphrases, and the time of
``assistant gaps`` (a fresh process, as staff run it) on 10,000 logged questions inserted
directly into the record (:mod:`assistant.unanswered`)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

import numpy as np
import yaml

from assistant.gaps import THRESHOLD, cluster
from assistant.unanswered import UnansweredStore, model_key

from .common import ROOT, Section, median, table
from .context import Context

PARAPHRASES = Path(__file__).with_name("data") / "gaps_paraphrases.yaml"
BANK = ROOT / "assistant" / "data" / "offtopic_bank.jsonl"
TARGET_S = 60.0
ROWS = 10_000
THRESHOLDS = (0.86, 0.88, 0.90, 0.91, 0.92, 0.925, 0.93, 0.935, 0.94, 0.95)


def pair_scores(labels: list[int], groups: list[np.ndarray]) -> tuple[float, float]:
    """Pairwise precision and recall of a grouping against the gold labels."""
    got = np.empty(len(labels), dtype=int)
    for g, members in enumerate(groups):
        got[members] = g
    tp = fp = fn = 0
    for i, j in combinations(range(len(labels)), 2):
        same_gold, same_got = labels[i] == labels[j], got[i] == got[j]
        tp += same_gold and same_got
        fp += same_got and not same_gold
        fn += same_gold and not same_got
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


def calibrate(ctx: Context, section: Section) -> None:
    lists = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))
    texts = [t for lst in lists for t in lst]
    labels = [k for k, lst in enumerate(lists) for _ in lst]
    bank = [json.loads(line)["question"] for line in BANK.read_text(encoding="utf-8").splitlines() if line.strip()]
    vec = np.asarray(ctx.embedder.embed_queries(texts), dtype=np.float32)
    bank_vec = np.asarray(ctx.embedder.embed_queries(bank), dtype=np.float32)
    rows = []
    for t in THRESHOLDS:
        p, r = pair_scores(labels, cluster(vec, threshold=t))
        merged = sum(len(g) for g in cluster(bank_vec, threshold=t) if len(g) > 1) / len(bank)
        rows.append([f"{t:.3f}" + (" (default)" if t == THRESHOLD else ""), f"{p:.3f}", f"{r:.3f}",
                     f"{2 * p * r / max(p + r, 1e-9):.3f}", f"{merged:.3f}"])
        if t == THRESHOLD:
            section.figure("grouping at the default threshold: pair precision / recall (paraphrases)", p, "",
                           note=f"recall {r:.3f}; {merged:.1%} of the 480 distinct bank questions share a group")
    section.add(
        f"Calibration: {len(lists)} questions in {len(texts)} wordings (`bench/data/gaps_paraphrases.yaml`), "
        "grouped alone: pairwise precision (wordings put together that ask the same) and recall (wordings of "
        "one question put together); and the 480 questions of the off-topic bank, all distinct questions in "
        "24 topics, grouped alone: the share that landed in a group with another (over-merging).", "",
        table(["threshold", "pair precision", "pair recall", "F1", "bank questions merged"], rows), "",
    )


def synthetic_rows(n: int, seed: int = 13) -> list[dict[str, object]]:
    """``n`` logged questions drawn (Zipf-like: some asked often, most rarely) from about
    3,000 distinct wordings: the off-topic bank, the evaluation questions and the
    paraphrases, with and without a polite opening or a closing particle."""
    rng = random.Random(seed)
    base = [json.loads(line)["question"] for line in BANK.read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted((ROOT / "eval").glob("*.jsonl")):
        base += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    base += [t for lst in yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8")) for t in lst]
    pool = sorted({f"{a}{q.rstrip('？?')}{b}" for q in base for a, b in (("", "？"), ("请问", "？"), ("", "啊"))})
    rng.shuffle(pool)
    weights = [1 / (k + 1) ** 0.8 for k in range(len(pool))]
    start = datetime.now(UTC) - timedelta(days=29)
    kinds = ("not_covered", "off_topic", None)
    out = []
    for i, q in enumerate(rng.choices(pool, weights, k=n)):
        kind = rng.choice(kinds)
        out.append({"id": f"bench{i:06d}", "question": q, "refusal_kind": kind,
                    "hour": (start + timedelta(hours=rng.randrange(29 * 24))).replace(minute=0, second=0, microsecond=0).isoformat(),
                    "rating": "not_helpful" if kind is None or rng.random() < 0.1 else None,
                    "reason": rng.choice(("答案不对", "没回答我的问题", None)) if kind is None else None,
                    "section": "六、重点工程 › 生态安全领域", "source": "plan.md", "chunk_id": "c1", "channel": "web"})
    return out


def run_gaps(env: dict[str, str], out: Path) -> tuple[float, str]:
    t0 = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "assistant.cli", "gaps", "--days", "31", "--out", str(out)],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    took = time.perf_counter() - t0
    if res.returncode != 0:
        raise RuntimeError(f"assistant gaps failed: {res.stderr[-2000:]}")
    return took, res.stderr.strip().splitlines()[-1]


def run(ctx: Context) -> Section:
    section = Section("Gaps report (`assistant gaps`)")
    calibrate(ctx, section)
    n = 1_000 if ctx.quick else ROWS
    db = ctx.work / "gaps" / f"feedback-{n}.sqlite3"
    rows = synthetic_rows(n)
    distinct = len({r["question"] for r in rows})
    store = UnansweredStore(db)
    model = model_key(ctx.base)
    reuse = db.exists() and sum(r["vector"] is not None and r["vector_model"] == model for r in store.rows(vectors=True)) == n
    if not reuse:  # a fresh record without vectors; the first report embeds and stores them
        db.unlink(missing_ok=True)
        store = UnansweredStore(db)
        for row in rows:
            store.insert(row)
    env = {**os.environ, "ASSISTANT_FEEDBACK_DB": str(db), "ASSISTANT_HOME": str(ROOT),
           "ASSISTANT_MODELS_DIR": str(ctx.base.models_path), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    cold, summary = (None, "") if reuse else run_gaps(env, ctx.work / "gaps" / "out")
    warm_runs = [run_gaps(env, ctx.work / "gaps" / "out") for _ in range(ctx.sizes.runs)]
    warm, summary = [w for w, _ in warm_runs], warm_runs[-1][1]
    section.figure(f"`assistant gaps` on {n:,} logged questions, vectors stored (as the web app records them)",
                   median(warm), "s", f"≤ {TARGET_S:.0f} s", median(warm) <= TARGET_S,
                   note=f"fresh process, model load included; {summary}")
    section.figure(f"`assistant gaps` on {n:,} logged questions, no vector stored ({distinct:,} distinct wordings embedded)",
                   cold, "s", note="one run: the first report after the app ran without storing vectors"
                   + ("; not re-measured: the cached record already held the vectors" if reuse else ""))
    with_vec = store.rows(vectors=True)
    section.add(
        f"{n:,} rows ({distinct:,} distinct wordings, Zipf-like repetition) inserted directly into the record; "
        + ("the record was cached by an earlier run, which had embedded the wordings and stored the vectors; "
           if reuse else "the first run embedded the wordings in batches and stored the vectors; ")
        + f"{sum(r['vector'] is not None and r['vector_model'] == model for r in with_vec):,} rows hold one; "
        f"the next {len(warm)} runs reused them: {', '.join(f'{w:.1f} s' for w in warm)}. "
        "The web app stores each recorded question's vector when it records it, so the figure with stored vectors is "
        "the one staff see.", "",
    )
    return section
