"""A real uvicorn server on 127.0.0.1 (a free port), run in a thread for the tests."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from assistant.config import Settings
from assistant.pipeline import Assistant
from assistant.web import create_app
from assistant.web.shutdown import Server

ROOT = Path(__file__).resolve().parents[2]


class LiveServer:
    def __init__(self, assistant: Assistant, web: Settings) -> None:
        self.app = create_app(assistant, web)
        self.web = web
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))  # the port is ours before the server starts: no race
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # log_config=None: uvicorn's records reach the root logger and the tests' error check
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="on", log_config=None,
                                timeout_graceful_shutdown=2, root_path=web.root_path)
        self.server = Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def gate(self):  # type: ignore[no-untyped-def]
        return self.app.state.gate

    @property
    def feedback(self):  # type: ignore[no-untyped-def]
        return self.app.state.feedback

    def start(self, timeout: float = 60.0) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while True:  # bounded polling of /healthz, no fixed sleeps
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if not self.thread.is_alive():
                raise RuntimeError("the web server stopped during start-up")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the web server did not answer /healthz within {timeout:.0f} s")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


_shared: dict[str, LiveServer] = {}


def shared_server(assistant: Assistant, tmp: Path) -> LiveServer:
    """One server per test session for the default settings (both web test modules use it)."""
    if "default" not in _shared:
        web = Settings(home=ROOT, feedback_db=tmp / "feedback.sqlite3")
        _shared["default"] = LiveServer(assistant, web).start()
    return _shared["default"]


def stop_shared() -> None:
    while _shared:
        _shared.popitem()[1].stop()


def post_chunked(url: str, path: str, body: bytes, piece: int = 16384, timeout: float = 30) -> bytes:
    """POST ``body`` with ``Transfer-Encoding: chunked`` over a raw socket; the raw response."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode())
        try:
            for i in range(0, len(body), piece):
                part = body[i:i + piece]
                sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
            sock.sendall(b"0\r\n\r\n")
        except OSError:  # the server answered and closed before the whole body was sent
            pass
        out = b""
        try:
            while data := sock.recv(65536):
                out += data
        except OSError:
            pass
    return out


def gradio_client(url: str):  # type: ignore[no-untyped-def]
    """A gradio_client for the chat at ``url`` (imported here: only the chat tests need it)."""
    from gradio_client import Client

    return Client(url + "/", verbose=False, analytics_enabled=False, download_files=False)


def chat_text(chat_output) -> str:  # type: ignore[no-untyped-def]
    """The HTML of the last assistant message in the /chat endpoint's output (question box, messages)."""
    return "".join(part["text"] for part in chat_output[1][-1]["content"] if part.get("type") == "text")
