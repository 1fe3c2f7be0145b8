"""The web app: a Gradio chat mounted in FastAPI, with an embeddable widget.

``create_app(assistant, settings)`` builds the ASGI app; ``app.py`` serves it. Its settings are
the ``ASSISTANT_*`` variables of :class:`~assistant.config.Settings`."""

from __future__ import annotations

import os

# Every module of this package that imports gradio runs after this package's __init__:
# no telemetry, no server-side rendering, whatever the environment did not say.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GRADIO_SSR_MODE", "False")

__all__ = ["create_app"]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "create_app":  # importing gradio is slow: only when the app is built
        from .server import create_app

        return create_app
    raise AttributeError(name)
