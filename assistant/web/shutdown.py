"""Stopping the server promptly and quietly.

Gradio keeps a heartbeat stream open for every visitor's page (and every ``gradio_client``)
and ends those streams only when it runs its own server. Mounted in our FastAPI app and
served by uvicorn, a stop would wait for the graceful timeout and then cancel each stream,
logging “Exception in ASGI application” once per open page. :class:`Server` ends the
streams first, as Gradio's own server does."""

from __future__ import annotations

import socket
from typing import Any

import uvicorn


def end_streams(app: Any) -> int:
    """Set the stop event of every Gradio app mounted in ``app``; returns how many."""
    ended = 0
    for route in getattr(app, "routes", ()):
        event = getattr(getattr(route, "app", None), "stop_event", None)
        if event is not None:
            event.set()
            ended += 1
    return ended


class Server(uvicorn.Server):
    """uvicorn's server that ends the Gradio heartbeat streams as its shutdown begins."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        end_streams(self.config.app)
        await super().shutdown(sockets=sockets)


def serve(app: Any, **config: Any) -> None:
    """``uvicorn.run(app, **config)`` with :class:`Server`."""
    Server(uvicorn.Config(app, **config)).run()
