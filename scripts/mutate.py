"""Break the code on purpose, one mutation at a time, and show which tests notice.

Each mutation is applied to a temporary copy of the working tree (its tracked and untracked,
not ignored, files; ``models/`` linked, never copied), then pytest runs there on the tests
named for the mutation (or on the whole suite with ``--full``). A mutation that no test
catches makes the script exit with status 1.

    .venv/bin/python scripts/mutate.py                 # every mutation, its own tests, all failures listed
    .venv/bin/python scripts/mutate.py -x              # stop each run at its first failure (faster)
    .venv/bin/python scripts/mutate.py --only verify-accepts gate-no-queue
    .venv/bin/python scripts/mutate.py --full          # the whole suite for each mutation (slow)
    .venv/bin/python scripts/mutate.py --list

Mutations redefine a name at the end of its module (so they survive code being moved within
the module), or rewrite a data file in the copy.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    what: str
    apply: Callable[[Path], None]
    tests: tuple[str, ...]  # pytest arguments: files and -k expressions


def append(paths: tuple[str, ...], code: str) -> Callable[[Path], None]:
    """Append ``code`` to the first of ``paths`` that exists in the copy."""

    def run(tree: Path) -> None:
        for rel in paths:
            target = tree / rel
            if target.exists():
                with target.open("a", encoding="utf-8") as f:
                    f.write("\n\n# --- mutation ---\n" + textwrap.dedent(code))
                return
        raise SystemExit(f"none of {paths} exists: the mutation must be updated")

    return run


def invent_aggregate_facts(tree: Path) -> None:
    """Every expected fact of the aggregate items of eval/qa.jsonl replaced by an invented one
    (each figure + 7, each name → 生态旅游)."""
    path = tree / "eval" / "qa.jsonl"
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["category"] == "aggregate":
            item["expected_facts"] = [
                [re.sub(r"\d+(?:\.\d+)?", lambda m: str(round(float(m.group(0)) + 7, 2)), a)
                 if re.search(r"\d", a) else "生态旅游" for a in group]
                for group in item["expected_facts"]
            ]
        lines.append(json.dumps(item, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


MUTATIONS = [
    Mutation("verify-accepts", "citations.verify accepts every text",
             append(("assistant/citations.py",), """
                def verify(text, passages):
                    return Verification(ok=True)
             """), ("tests/test_citations.py", "tests/test_answering.py", "-k", "verify or llm or quotient or count")),
    Mutation("gate-no-queue", "BusyGate lets nobody wait (max_waiting = 0)",
             append(("assistant/web/gate.py",), """
                _init = BusyGate.__init__
                BusyGate.__init__ = lambda self, limit, max_waiting, timeout: _init(self, limit, 0, timeout)
             """), ("tests/test_web_gate.py",)),
    Mutation("gate-no-wait", "BusyGate admits waiters but does not wait (timeout = 0)",
             append(("assistant/web/gate.py",), """
                _init = BusyGate.__init__
                BusyGate.__init__ = lambda self, limit, max_waiting, timeout: _init(self, limit, max_waiting, 0)
             """), ("tests/test_web_gate.py",)),
    Mutation("gate-unbounded", "BusyGate lets everyone wait (no busy message beyond the queue)",
             append(("assistant/web/gate.py",), """
                _init = BusyGate.__init__
                BusyGate.__init__ = lambda self, limit, max_waiting, timeout: _init(self, limit, 10**6, timeout)
             """), ("tests/test_web_gate.py", "tests/test_web.py", "-k", "gate or busy or overload or thirty")),
    Mutation("qa-invented-aggregates", "eval/qa.jsonl: the aggregate items' expected facts invented",
             invent_aggregate_facts,
             ("tests/test_qa_set.py", "tests/test_figure_oracle.py::test_the_qa_items_expect_the_computed_figures")),
    Mutation("hybrid-is-dense", "hybrid retrieval returns the dense ranking only",
             append(("assistant/retrieval.py",), """
                def fuse(dense, keyword, method, weight):
                    return list(dense)
             """), ("tests/test_retrieval_modes.py", "tests/test_index.py")),
    Mutation("hybrid-is-keyword", "hybrid retrieval returns the keyword ranking only",
             append(("assistant/retrieval.py",), """
                def fuse(dense, keyword, method, weight):
                    return list(keyword)
             """), ("tests/test_retrieval_modes.py", "tests/test_index.py")),
    Mutation("coverage-never-refuses", "the coverage decision always answers",
             append(("assistant/answering/coverage.py",), """
                def decide(*args, **kwargs):
                    return Decision(True)
             """), ("tests/test_answering.py", "-k", "refus or covered or off_topic or place")),
    Mutation("injection-guard-off", "instructions in a question are not removed",
             append(("assistant/answering/understanding.py",), """
                def strip_injection(question):
                    return question, False
             """), ("tests/test_answering.py", "-k", "injection")),
    Mutation("masking-off", "personal data is stored unmasked",
             append(("assistant/masking.py", "assistant/feedback.py"), """
                def mask_personal_data(text):
                    return text
             """), ("tests", "-k", "mask or feedback_store")),
    Mutation("streams-left-open", "the server does not end Gradio's streams when it stops",
             append(("assistant/web/shutdown.py",), """
                def end_streams(app):
                    return 0
             """), ("tests/test_web_gate.py", "-k", "waiters")),
]


def copy_tree(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if rel == "models" or rel.startswith("models/") or not src.is_file():
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / rel)
    (dest / "models").symlink_to((ROOT / "models").resolve(), target_is_directory=True)
    if (ROOT / ".cache").exists():  # axe-core for the browser tests
        (dest / ".cache").symlink_to((ROOT / ".cache").resolve(), target_is_directory=True)


def failed_tests(report: Path) -> list[str]:
    if not report.exists():
        return []
    out = []
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            name = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), case.get("name", ""))
            out.append(f"{case.get('classname', '').split('.')[-1]}::{name}")
    return out


def run(mutation: Mutation, full: bool, first: bool) -> tuple[int, list[str], float]:
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutation.name}-") as tmp:
        tree = Path(tmp) / "tree"
        copy_tree(tree)
        mutation.apply(tree)
        report = Path(tmp) / "report.xml"
        args = [] if full else list(mutation.tests)
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *args]
        if first:
            cmd.append("-x")
        env = {**os.environ, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1"}
        env.pop("ASSISTANT_INDEX_DIR", None)
        started = time.monotonic()
        proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
        return proc.returncode, failed_tests(report), time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutations")
    parser.add_argument("--full", action="store_true", help="the whole suite for each mutation, not its own tests")
    parser.add_argument("-x", dest="first", action="store_true", help="stop each run at its first failure")
    parser.add_argument("--list", action="store_true", help="list the mutations and their tests")
    opts = parser.parse_args()
    chosen = [m for m in MUTATIONS if not opts.only or m.name in opts.only]
    if opts.list:
        for m in chosen:
            print(f"{m.name:24} {m.what}\n{'':24} pytest {' '.join(m.tests)}")
        return 0
    print("| mutation | what | tests run | caught by (failed tests) |\n|---|---|---|---|", flush=True)
    survived = []
    for m in chosen:
        code, failed, seconds = run(m, opts.full, opts.first)
        caught = code != 0
        if not caught:
            survived.append(m.name)
        shown = ", ".join(failed[:6]) + (f" … ({len(failed)} in all)" if len(failed) > 6 else "")
        verdict = (shown or f"pytest exit {code}") if caught else "**NOT CAUGHT**"
        scope = "whole suite" if opts.full else " ".join(m.tests)
        print(f"| `{m.name}` | {m.what} | `{scope}`{' -x' if opts.first else ''} | {verdict} |  <!-- {seconds:.0f} s -->",
              flush=True)
    if survived:
        print(f"\nnot caught: {', '.join(survived)}", file=sys.stderr)
    return 1 if survived else 0


if __name__ == "__main__":
    raise SystemExit(main())
