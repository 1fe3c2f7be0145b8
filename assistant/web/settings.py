"""Settings of the web app, read from ``ASSISTANT_*`` variables like :class:`~assistant.config.Settings`
(kept here so the web layer can grow without touching the core settings)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ..feedback import DEFAULT_DB, DEFAULT_RETENTION_DAYS

# Imported before gradio (assistant/web/__init__.py imports this module first):
# no telemetry, no server-side rendering, whatever the environment did not say.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GRADIO_SSR_MODE", "False")


class WebSettings(BaseSettings):
    """Serving, embedding and feedback settings. Relative paths are resolved against ``home``."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore", frozen=True)

    home: Path = Field(default_factory=Path.cwd, description="Project directory (same as Settings.home).")
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Origins allowed to call the API from a browser (comma-separated); none by default."
    )
    frame_ancestors: str = Field(
        "'self'",
        description="CSP frame-ancestors: the sites allowed to show the chat in an iframe, e.g. \"'self' https://www.example.gov.cn\".",
    )
    feedback_db: Path = Field(DEFAULT_DB, description="SQLite file holding the anonymous feedback.")
    feedback_retention_days: int = Field(DEFAULT_RETENTION_DAYS, ge=1, description="Days feedback is kept.")
    concurrency_limit: int = Field(4, ge=1, le=64, description="Answers computed at the same time.")
    queue_max_size: int = Field(32, ge=0, le=1000, description="Questions that may wait for a free slot; more get a busy message.")
    busy_timeout: float = Field(20.0, gt=0, description="Seconds a question waits for a slot before the busy message.")
    root_path: str = Field("", description="Public path prefix behind a reverse proxy, e.g. /assistant.")
    forwarded_allow_ips: str = Field("127.0.0.1", description="Proxies whose X-Forwarded-* headers are trusted.")
    access_log: bool = Field(False, description="Log every request (with client addresses); off by default.")
    max_body_bytes: int = Field(65536, ge=1024, description="Largest request body accepted by /api/*.")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip()
            if value.startswith("["):
                import json

                return tuple(json.loads(value))
            return tuple(v.strip().rstrip("/") for v in value.replace(" ", ",").split(",") if v.strip())
        return value

    @field_validator("root_path")
    @classmethod
    def _root(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith("/"):
            raise ValueError("root_path must start with / (e.g. /assistant)")
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _ancestors(cls, value: str) -> str:
        if any(ch in value for ch in ";\r\n,"):
            raise ValueError("frame_ancestors is a space-separated list of sources (no ; or ,)")
        return value.strip() or "'none'"

    def feedback_db_path(self) -> Path:
        return self.feedback_db if self.feedback_db.is_absolute() else self.home / self.feedback_db
