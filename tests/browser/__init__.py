"""Helpers for the web tests: a real uvicorn server in a thread, Debian's Chromium, local axe-core."""
