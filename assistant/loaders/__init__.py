"""Readers for documents as plan offices receive them: Word (``docx.py``) and PDF (``pdf.py``),
with tables turned into rows that keep their header (``tables.py``). Each returns the text in
the form the chunker reads (Markdown headings, or plain lines whose numbering marks headings)
and the title it found; a file that cannot be read is a :class:`~assistant.errors.DocumentError`
naming it."""

from __future__ import annotations

from .docx import docx_text
from .pdf import pdf_text
from .tables import markdown_tables, row_lines

__all__ = ["docx_text", "markdown_tables", "pdf_text", "row_lines"]
