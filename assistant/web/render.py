"""HTML for the chat. Every piece of text (questions, answers, section paths, passages)
is escaped here before it is put into markup; the chatbot additionally sanitizes HTML.
Only the tags written below ever reach the page."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

SOURCES_HEAD = "依据（点击展开，查看《规划》原文）"
PENDING = "正在查找《规划》原文……"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def text_html(text: str) -> str:
    """Plain text → HTML: escaped, line breaks kept."""
    return "<br>".join(esc(line) for line in text.strip("\n").split("\n"))


def user_html(question: str, limit: int) -> str:
    shown = question if len(question) <= limit else question[:limit] + "…"
    return f'<div class="question">{text_html(shown)}</div>'


def notice_html(text: str) -> str:
    """A notice at the top of the chat (the maintenance notice)."""
    return f'<p class="notice maintenance" role="alert">{esc(text)}</p>' if text else ""


def pending_html(partial: str = "") -> str:
    body = text_html(partial) if partial else esc(PENDING)
    return f'<div class="answer pending" aria-busy="true">{body}<span class="typing" aria-hidden="true"> ▍</span></div>'


def sources_html(citations: Sequence[Mapping[str, Any]]) -> str:
    if not citations:
        return ""
    items = []
    for c in citations:
        section = str(c.get("section") or "《规划》政策解读")
        items.append(
            '<details class="source">'
            f'<summary><span class="source-n">[{int(c["n"])}]</span> {esc(section)}</summary>'
            f'<blockquote class="passage">{text_html(str(c.get("text", "")))}</blockquote>'
            "</details>"
        )
    return f'<div class="sources"><p class="sources-head">{esc(SOURCES_HEAD)}</p>{"".join(items)}</div>'


def answer_html(text: str, citations: Sequence[Mapping[str, Any]], notice: str, *, refused: bool) -> str:
    """The final answer: text, then its numbered sources, then the notice."""
    kind = "answer refused" if refused else "answer"
    parts = [f'<div class="{kind}"><p class="answer-text">{text_html(text)}</p>', sources_html(citations)]
    if notice and not refused:
        parts.append(f'<p class="notice">{esc(notice)}</p>')
    parts.append("</div>")
    return "".join(parts)
