"""Start the web app: settings → Assistant → create_app → uvicorn.

    python app.py            # (make run) binds ASSISTANT_HOST:ASSISTANT_PORT, 127.0.0.1:7860 by default

Everything else (the chat, the API, the widget) is in :mod:`assistant.web`.
"""

from __future__ import annotations

import logging
import sys

from assistant.config import get_settings
from assistant.errors import AssistantError
from assistant.pipeline import Assistant
from assistant.web import create_app
from assistant.web.shutdown import serve


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    try:  # an index that cannot be opened does not stop the app (maintenance notice, /healthz 503)
        app = create_app(Assistant(settings), settings)
    except AssistantError as err:
        print(f"无法启动（cannot start）: {err}", file=sys.stderr)
        return 1
    from assistant.web.protocol import protocol  # imports uvicorn's h11 implementation

    serve(  # uvicorn.run, ending the chat's open streams first on a stop
        app,
        host=settings.host,
        port=settings.port,
        root_path=settings.root_path,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        access_log=settings.access_log,
        timeout_graceful_shutdown=10,
        http=protocol(settings.header_timeout),  # h11, with a deadline for the headers
        timeout_keep_alive=settings.keep_alive_timeout,
        h11_max_incomplete_event_size=settings.max_header_bytes,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
