"""``python -m bench [--quick] [--only NAME ...] [--out FILE]``: run the benchmarks and
write ``bench/RESULTS.md`` (machine, date, medians of several runs, ratios measured in the
same run, each figure with its target and whether it is met)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from .common import ROOT, Section, load_average, machine, table
from .context import Context, Sizes

BENCHMARKS = ("build", "model", "latency", "server", "peer", "cold", "oneshot", "web", "memory", "adversarial", "gaps")


def _module(name: str):  # type: ignore[no-untyped-def]
    from . import adversarial, build, coldstart, gaps, latency, memory_probe, model, oneshot, peer, server, webload

    return {"build": build, "model": model, "latency": latency, "server": server, "peer": peer, "cold": coldstart,
            "oneshot": oneshot, "web": webload, "memory": memory_probe, "adversarial": adversarial, "gaps": gaps}[name]


def render(sections: list[Section], info: dict[str, str], args: argparse.Namespace, total: float) -> str:
    out = ["# Benchmarks", ""]
    out.append(
        f"Written by `python -m bench{' --quick' if args.quick else ''}` in {total / 60:.1f} min. "
        "Every figure is a median of several runs unless said otherwise; every ratio is measured within one "
        "run (both sides under the same load). The machine is shared (other jobs ran alongside: see the load "
        "averages), so absolute times are pessimistic; ratios are the robust figures."
    )
    out += ["", "## Machine", "", table(["", ""], list(info.items())), ""]
    figures = [f for s in sections for f in s.figures]
    out += ["## Summary", ""]
    out.append(table(["benchmark", "figure", "value", "target", "met", "note"],
                     [[f.section, f.name, f.shown(), f.target or "–", f.verdict(), f.note or ""] for f in figures]))
    out.append("")
    for s in sections:
        out += [f"## {s.title}", "", f"*{s.seconds:.0f} s.*", ""]
        out += s.details
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each: a smoke test (~3 min)")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these benchmarks")
    parser.add_argument("--out", type=Path, default=None, help="report file (default: bench/RESULTS.md, "
                        "or bench/RESULTS-quick.md with --quick)")
    parser.add_argument("--work", type=Path, default=ROOT / ".cache" / "bench",
                        help="cache of synthetic corpora and indexes (default: .cache/bench)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("bm25s", "jieba", "httpx", "chromadb", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    out = args.out or ROOT / "bench" / ("RESULTS-quick.md" if args.quick else "RESULTS.md")
    args.work.mkdir(parents=True, exist_ok=True)
    ctx = Context(sizes=Sizes.quick() if args.quick else Sizes(), work=args.work.resolve(), quick=args.quick)
    info = machine()
    started = time.perf_counter()
    _ = ctx.embedder  # load the model once, before any timing
    sections: list[Section] = []
    for name in args.only or BENCHMARKS:
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            section = _module(name).run(ctx)
        except Exception as err:  # noqa: BLE001 - one failing benchmark must not lose the others
            traceback.print_exc()
            section = Section(name)
            section.add(f"Failed: `{type(err).__name__}: {err}`")
        section.seconds = time.perf_counter() - t0
        sections.append(section)
        print(f"[bench] {name}: {section.seconds:.0f} s", file=sys.stderr, flush=True)
        out.write_text(render(sections, {**info, "load average at end": load_average()}, args,
                              time.perf_counter() - started), encoding="utf-8")
    print(f"[bench] wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
