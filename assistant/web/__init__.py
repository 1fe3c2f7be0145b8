"""The web app: a Gradio chat mounted in FastAPI, with an embeddable widget.

``create_app(assistant, web_settings)`` builds the ASGI app; ``app.py`` serves it."""

from __future__ import annotations

# .settings is imported first: it turns Gradio's telemetry off before gradio is imported.
from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "create_app":  # importing gradio is slow: only when the app is built
        from .server import create_app

        return create_app
    raise AttributeError(name)
