"""Where a build's vectors live: the Chroma client of a build's own store or of a Chroma
server (``ASSISTANT_CHROMA_URL``), the collection names, and one clear sentence for every
failed request to the server."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import REBUILD_HINT, AssistantError, IndexMismatchError
from .layout import short_json

if TYPE_CHECKING:  # chromadb is imported when a store is opened (a keyword search needs none)
    import chromadb

log = logging.getLogger(__name__)

COLLECTION = "plan_chunks"
LOCAL_STORE = "local"  # vectors in builds/<id>/chroma/
SERVER_STORE = "chroma-server"  # vectors in a Chroma server, one collection per build
#: Seconds before a request to the Chroma server is abandoned (connect / everything else).
SERVER_TIMEOUT = (5.0, 60.0)


class ChromaServerError(AssistantError):
    """The Chroma server is unreachable, refused the token or failed a request."""


def chroma_client(path: Path) -> chromadb.ClientAPI:
    import chromadb

    return chromadb.PersistentClient(
        path=str(path), settings=chromadb.config.Settings(anonymized_telemetry=False)
    )


def server_client(settings: Settings) -> chromadb.ClientAPI:
    """An HTTP client for ``settings.chroma_url`` (with the token, when one is set).

    The token is sent as ``Authorization: Bearer <token>`` (chromadb's token client
    provider). ``chroma run`` itself does not check tokens; the proxy in front of it does
    (see docs/deploy.md)."""
    from urllib.parse import urlsplit

    import chromadb
    import httpx

    url = str(settings.chroma_url).rstrip("/")
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChromaServerError(f"ASSISTANT_CHROMA_URL 无效（invalid Chroma server URL: {url}）。")
    options: dict[str, Any] = {"anonymized_telemetry": False}
    if settings.chroma_token:
        if not all(33 <= ord(ch) < 127 for ch in settings.chroma_token):
            raise ChromaServerError("ASSISTANT_CHROMA_TOKEN 只能包含 ASCII 字母、数字和标点（invalid token characters）。")
        options["chroma_client_auth_provider"] = "chromadb.auth.token_authn.TokenAuthClientProvider"
        options["chroma_client_auth_credentials"] = settings.chroma_token
    try:
        client = chromadb.HttpClient(
            host=parts.geturl(),
            port=parts.port or (443 if parts.scheme == "https" else 8000),
            ssl=parts.scheme == "https",
            settings=chromadb.config.Settings(**options),
        )
    except Exception as err:  # connection, HTTP status or chromadb errors
        raise server_error(settings, err) from err
    # chromadb's HTTP session has no timeout; a hung server must not hang every question.
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(SERVER_TIMEOUT[1], connect=SERVER_TIMEOUT[0])
    return client


def server_error(settings: Settings, err: BaseException) -> ChromaServerError:
    """One clear sentence for a failed request to the Chroma server."""
    import httpx

    url = display_url(str(settings.chroma_url))
    if isinstance(err, ChromaServerError):
        return err
    if isinstance(err, (httpx.ConnectError, httpx.ConnectTimeout)) or "Could not connect" in str(err):
        return ChromaServerError(f"无法连接 Chroma 服务器 {url}（cannot reach the Chroma server）；请检查 ASSISTANT_CHROMA_URL 和服务器是否在运行。")
    if isinstance(err, httpx.TimeoutException):
        return ChromaServerError(f"Chroma 服务器 {url} 响应超时（the Chroma server timed out）。")
    text = f"{type(err).__name__}: {err}"
    if _is_auth_failure(err) or _probe_status(settings) in (401, 403):
        what = "拒绝了访问令牌" if settings.chroma_token else "要求访问令牌"
        hint = "请检查 ASSISTANT_CHROMA_TOKEN" if settings.chroma_token else "请设置 ASSISTANT_CHROMA_TOKEN"
        return ChromaServerError(
            f"Chroma 服务器 {url} {what}（the Chroma server refused the request: unauthorized）；{hint}。"
        )
    return ChromaServerError(f"Chroma 服务器 {url} 请求失败（the Chroma server failed: {short_json(text)}）。")


def _probe_status(settings: Settings) -> int | None:
    """HTTP status of an authenticated request to the server (chromadb's errors lose it)."""
    import httpx

    headers = {"Authorization": f"Bearer {settings.chroma_token}"} if settings.chroma_token else {}
    try:
        url = str(settings.chroma_url).rstrip("/")
        url = url if "://" in url else f"http://{url}"
        return httpx.get(f"{url}/api/v2/auth/identity", headers=headers, timeout=5.0).status_code
    except Exception:  # noqa: BLE001 - unreachable: not an auth failure
        return None


def _is_auth_failure(err: BaseException) -> bool:
    from chromadb.errors import AuthorizationError

    if isinstance(err, AuthorizationError) or type(err).__name__ in ("AuthenticationError", "AuthorizationError"):
        return True
    text = str(err).lower()
    return any(s in text for s in ("unauthorized", "forbidden", "authorization required"))


def display_url(url: str) -> str:
    """The URL without any user:password part (never printed)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url if "://" in url else f"http://{url}")
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def store_kind(settings: Settings) -> str:
    """Where builds made with these settings keep their vectors."""
    return SERVER_STORE if settings.chroma_url else LOCAL_STORE


def collection_name(build_id: str, kind: str = LOCAL_STORE) -> str:
    """The Chroma collection of a build: ``plan_chunks`` in the build's own store, or
    ``plan_chunks-<build-id>`` in a shared server (names allow ``[A-Za-z0-9._-]``)."""
    return COLLECTION if kind == LOCAL_STORE else f"{COLLECTION}-{build_id}"


def build_client(settings: Settings | None, build: Path, kind: str = LOCAL_STORE) -> chromadb.ClientAPI:
    """The chromadb client holding a build's vectors: a persistent store in
    ``build/chroma`` or the Chroma server of ``settings.chroma_url``."""
    if kind == LOCAL_STORE:
        return chroma_client(build / "chroma")
    if settings is None or not settings.chroma_url:
        raise IndexMismatchError(
            f"索引 {build.name} 的向量存放在 Chroma 服务器上，但没有设置 ASSISTANT_CHROMA_URL（the index lives in a "
            f"Chroma server; set ASSISTANT_CHROMA_URL）；或{REBUILD_HINT}。"
        )
    return server_client(settings)


def chromadb_version() -> str:
    """The installed chromadb's version (read without importing it)."""
    from importlib.metadata import version

    return version("chromadb")


def manifest_store(manifest: dict[str, Any]) -> str:
    """Where a build's vectors are (builds without the field are local)."""
    return str(manifest.get("vector_store", LOCAL_STORE))


def drop_collection(settings: Settings, name: str) -> bool:
    """Delete a build's collection from the server; True when it is gone."""
    try:
        client = server_client(settings)
        client.delete_collection(name)
    except Exception as err:  # noqa: BLE001 - NotFoundError counts as gone
        if type(err).__name__ == "NotFoundError" or "does not exist" in str(err):
            return True
        log.warning("cannot drop Chroma collection %s: %s", name, err)
        return False
    return True


def check_store(manifest: dict[str, Any], settings: Settings) -> None:
    """The index must keep its vectors where the settings look for them."""
    have, want = manifest_store(manifest), store_kind(settings)
    if have == want:
        return
    where = {LOCAL_STORE: "本地 local chroma/", SERVER_STORE: "Chroma 服务器 server"}
    raise IndexMismatchError(
        f"索引的向量存放位置与设置不一致（index vectors are in {where[have]}, settings want {where[want]}: "
        f"ASSISTANT_CHROMA_URL {'set' if settings.chroma_url else 'unset'}）；请{REBUILD_HINT}。"
    )
