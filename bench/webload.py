"""Web load: the app (``app.py``: FastAPI + Gradio) on 127.0.0.1 under 10, 30 and 60
concurrent clients posting to ``/api/ask``, and a smaller run through the Gradio chat
endpoint (``api_name="/chat"``) with gradio_client. Bounded: every client sends a fixed
number of requests, each with a timeout."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .common import ROOT, Section, free_port, percentile, table
from .context import Context

TARGET_P95_S = 1.5
#: App set-ups compared in the same run: (environment, number of app processes). Clients are
#: spread round-robin over the processes, as nginx's least_conn would.
CONFIGS: dict[str, tuple[dict[str, str], int]] = {
    "as configured": ({}, 1),
    "OMP_NUM_THREADS=1": ({"OMP_NUM_THREADS": "1"}, 1),
    "2 processes × OMP_NUM_THREADS=1": ({"OMP_NUM_THREADS": "1"}, 2),
}
TARGET_LEVEL = 30
REQUEST_TIMEOUT = 60.0
STARTUP_DEADLINE = 240.0


def available() -> str | None:
    """Why the web load test cannot run (None when it can)."""
    if not (ROOT / "app.py").exists() or not (ROOT / "assistant" / "web").is_dir():
        return "app.py / assistant/web are not there yet"
    try:
        import httpx  # noqa: F401
    except ImportError:
        return "httpx is not installed"
    return None


class App:
    """``python app.py`` in a subprocess on a free port, stopped on exit."""

    def __init__(self, ctx: Context, index_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings = ctx.settings(index_dir=index_dir)
        env = ctx.child_env(settings)
        env.update({
            "ASSISTANT_HOST": "127.0.0.1",
            "ASSISTANT_PORT": str(self.port),
            "ASSISTANT_FEEDBACK_DB": str(ctx.work / "web-feedback.sqlite3"),
            "GRADIO_ANALYTICS_ENABLED": "False",
            **(extra_env or {}),
        })
        self.log_path = ctx.work / f"web-app-{self.port}.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=str(ROOT), env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self) -> float:
        import httpx

        t0 = time.perf_counter()
        while time.perf_counter() - t0 < STARTUP_DEADLINE:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app.py exited with {self.proc.returncode}: {self.tail()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2.0).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"app.py did not answer /healthz within {STARTUP_DEADLINE:.0f} s: {self.tail()}")

    def cpu_seconds(self) -> float:
        """user + system CPU seconds of the app process so far."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-1500:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


async def _client(url: str, questions: list[str], offset: int, n: int, out: list[dict[str, Any]]) -> None:
    import httpx

    from assistant.web.gate import BUSY

    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
        for k in range(n):
            q = questions[(offset + k) % len(questions)]
            t0 = time.perf_counter()
            try:
                r = await http.post(f"{url}/api/ask", json={"question": q, "history": []})
                status = r.status_code
                busy = status == 503 and BUSY in r.text
                ok = status == 200 and bool(r.json().get("answer"))
            except Exception as err:  # noqa: BLE001 - counted as an error
                status, busy, ok = type(err).__name__, False, False
            out.append({"s": time.perf_counter() - t0, "status": status, "busy": busy, "ok": ok})


def api_level(apps: list[App], questions: list[str], clients: int, per_client: int) -> dict[str, Any]:
    out: list[dict[str, Any]] = []

    async def main() -> float:
        t0 = time.perf_counter()
        await asyncio.gather(*(_client(apps[i % len(apps)].url, questions, i * 7, per_client, out) for i in range(clients)))
        return time.perf_counter() - t0

    cpu0 = sum(a.cpu_seconds() for a in apps)
    own0 = _own_cpu()
    wall = asyncio.run(main())
    result = summarize(out, wall, clients)
    result["cores"] = (sum(a.cpu_seconds() for a in apps) - cpu0) / wall if wall else float("nan")
    result["client_cores"] = (_own_cpu() - own0) / wall if wall else float("nan")
    return result


def _own_cpu() -> float:
    import resource

    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def summarize(out: list[dict[str, Any]], wall: float, clients: int) -> dict[str, Any]:
    ok = [r["s"] for r in out if r["ok"]]
    return {
        "clients": clients,
        "requests": len(out),
        "answers": len(ok),
        "answers_per_s": len(ok) / wall if wall else 0.0,
        "p50": percentile(ok, 50) if ok else float("nan"),
        "p95": percentile(ok, 95) if ok else float("nan"),
        "busy": sum(1 for r in out if r["busy"]),
        "errors": sum(1 for r in out if not r["ok"] and not r["busy"]),
        "error_kinds": sorted({str(r["status"]) for r in out if not r["ok"] and not r["busy"]}),
        "wall": wall,
    }


def gradio_level(url: str, questions: list[str], clients: int, per_client: int) -> dict[str, Any]:
    """Concurrent gradio_client users of the chat endpoint (each its own Client/session)."""
    from gradio_client import Client

    out: list[dict[str, Any]] = []
    lock = threading.Lock()

    def user(i: int) -> None:
        try:
            client = Client(url + "/", verbose=False)
        except Exception as err:  # noqa: BLE001
            with lock:
                out.extend({"s": 0.0, "status": type(err).__name__, "busy": False, "ok": False} for _ in range(per_client))
            return
        for k in range(per_client):
            q = questions[(i * 7 + k) % len(questions)]
            t0 = time.perf_counter()
            try:
                result = client.predict(q, api_name="/chat")
                text = str(result)
                ok = "繁忙" not in text and len(text) > 20
                busy = "繁忙" in text
                status: Any = 200
            except Exception as err:  # noqa: BLE001
                ok, busy, status = False, False, type(err).__name__
            with lock:
                out.append({"s": time.perf_counter() - t0, "status": status, "busy": busy, "ok": ok})
        try:
            client.close()
        except Exception:  # noqa: BLE001
            pass

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(REQUEST_TIMEOUT * per_client + 60)
    return summarize(out, time.perf_counter() - t0, clients)


def run(ctx: Context) -> Section:
    sec = Section("Web load")
    why = available()
    if why:
        sec.add(f"Not run: {why}. `python -m bench --only web` runs it once the app is there.")
        return sec
    from assistant import evaluation as ev

    for old in ctx.work.glob("web-app*.log"):  # logs of earlier runs
        old.unlink(missing_ok=True)
    index_dir = ctx.work / "web-index"
    settings = ctx.served_index(index_dir)  # built as `assistant index` builds it
    questions = [i.question for i in ev.load_qa(settings.home / "eval" / "qa.jsonl") if not i.history]
    runs: dict[str, dict[str, Any]] = {}
    gradio: dict[str, Any] = {}
    for config, (extra, processes) in CONFIGS.items():
        apps = [App(ctx, index_dir, extra) for _ in range(processes)]
        try:
            startup = max(a.wait() for a in apps)
            api_level(apps, questions, 2, 2)  # warm-up
            levels = [api_level(apps, questions, c, ctx.sizes.web_requests) for c in ctx.sizes.web_levels]
            if config == "as configured":
                try:
                    gradio = gradio_level(apps[0].url, questions, ctx.sizes.gradio_clients, 2)
                except Exception as err:  # noqa: BLE001
                    gradio = {"error": f"{type(err).__name__}: {err}"}
        finally:
            for a in apps:
                a.stop()
        runs[config] = {"startup": startup, "levels": levels}

    rows = []
    for config, r in runs.items():
        suffix = "" if config == "as configured" else f", {config} (proposed)"
        for lv in r["levels"]:
            c = lv["clients"]
            if c == TARGET_LEVEL:
                met = lv["p95"] <= TARGET_P95_S and lv["errors"] == 0
                sec.figure(f"/api/ask p95 at {c} concurrent clients{suffix}", lv["p95"], "s",
                           f"≤ {TARGET_P95_S} s, no errors", met,
                           f"{lv['answers_per_s']:.1f} answers/s, {lv['errors']} errors, {lv['busy']} busy")
            else:
                sec.figure(f"/api/ask p95 at {c} concurrent clients{suffix}", lv["p95"], "s",
                           note=f"{lv['answers_per_s']:.1f} answers/s, {lv['errors']} errors, {lv['busy']} busy")
            rows.append([config, lv["clients"], lv["requests"], lv["answers"], f"{lv['answers_per_s']:.1f}",
                         f"{lv['p50']:.2f}", f"{lv['p95']:.2f}", lv["busy"], lv["errors"],
                         ", ".join(lv["error_kinds"]) or "–", f"{lv['cores']:.2f}", f"{lv['client_cores']:.2f}",
                         f"{lv['wall']:.1f}"])
    sec.add(
        "`python app.py` (defaults: concurrency_limit 4, queue 32, busy timeout 20 s) on 127.0.0.1, started in "
        + ", ".join(f"{r['startup']:.1f} s ({c})" for c, r in runs.items())
        + " (model, index, warm-up question). Each client (httpx.AsyncClient) posts "
        f"{ctx.sizes.web_requests} questions of eval/qa.jsonl one after the other to `/api/ask`; latency is per "
        "successful answer (refusals included: they are answers); *busy* = 503 with the Chinese busy message "
        "(the gate's designed answer when more than limit + queue wait); *errors* = anything else. The load "
        "generator runs on the same cores as the app. Set-ups: the app as configured; the same app started "
        "with `OMP_NUM_THREADS=1` (one torch thread, a deployment setting); and two such processes on the two "
        "cores with the clients spread over them (what nginx does in docs/deploy.md). *app cores* = CPU "
        "seconds of the app process(es) per wall second during the level, *client cores* the same for the load "
        "generator (this process); the rest of the 2 cores went to other jobs on the machine. One app process "
        "uses at most about one core here: the query embedding is serialized (one model, one lock) and the "
        "rest of a request (jieba, composition, verification, HTTP) is Python holding the GIL.",
        "",
        table(["app", "clients", "requests", "answers", "answers/s", "p50 s", "p95 s", "busy", "errors",
               "error kinds", "app cores", "client cores", "wall s"], rows),
    )
    if "error" in gradio:
        sec.add("", f"Gradio chat endpoint: not measured ({gradio['error']}).")
    else:
        sec.figure(f"Gradio /chat p95 at {gradio['clients']} concurrent clients", gradio["p95"], "s",
                   note=f"{gradio['errors']} errors, {gradio['busy']} busy")
        sec.add(
            "",
            f"Gradio chat endpoint (`api_name=\"/chat\"`, gradio_client, {gradio['clients']} users × 2 questions, "
            f"each user its own session): {gradio['answers']}/{gradio['requests']} answers, "
            f"{gradio['answers_per_s']:.1f} answers/s, p50 {gradio['p50']:.2f} s, p95 {gradio['p95']:.2f} s, "
            f"{gradio['busy']} busy, {gradio['errors']} errors"
            + (f" ({', '.join(gradio['error_kinds'])})" if gradio["error_kinds"] else "") + ".",
        )
    return sec
