"""Personal data out of everything stored or echoed: one :func:`mask_personal_data` for the
feedback store (questions, answers, reasons), the not-covered refusal's echoed words and the
logs, and :func:`csv_safe` for spreadsheet cells.

Numbers are found on the NFKC form of the text (full-width digits ``１３８…``, ``＠``, full-width
hyphens), written in one piece or in groups separated by spaces, hyphens or dashes; the text
around them is kept as it was written:

- resident ID numbers of GB 11643: 18 characters (the last may be X) or the 15 digits of the
  first generation, also glued to letters (``ID110101199003071234``) or grouped
  (``110101-1990-0307-1234``, ``110101 19900307 1234``);
- mainland mobile numbers ``1[3-9]`` + 9 digits, with or without ``+86`` / ``0086`` / ``86``
  (``138 0013 8000``, ``+86-138-0013-8000``);
- landline numbers with an area code (``010-12345678``, ``(0431)1234567``);
- bank-card-like runs of 16 to 19 digits;
- e-mail addresses (``zhangsan＠example.com``).
"""

from __future__ import annotations

import logging
import re
import traceback
import unicodedata

ID_MASK = "[身份证号已隐去]"
MOBILE_MASK = "[手机号已隐去]"
PHONE_MASK = "[电话号码已隐去]"
CARD_MASK = "[卡号已隐去]"
EMAIL_MASK = "[邮箱已隐去]"

_S = r"[ \-\u2010-\u2015]?"  # one optional separator between digits: space, hyphen, dash
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), EMAIL_MASK),
    (re.compile(rf"(?<!\d)\d(?:{_S}\d){{16}}{_S}(?:\d|[Xx](?![A-Za-z]))(?![\d])"), ID_MASK),
    (re.compile(rf"(?<!\d)\d(?:{_S}\d){{15,18}}(?!\d)"), CARD_MASK),
    (re.compile(rf"(?<![\d+])(?:(?:\+|00)?86{_S}|\(\+?86\){_S}?)?1[3-9]\d(?:{_S}\d){{8}}(?!\d)"), MOBILE_MASK),
    (re.compile(rf"(?<!\d)\d(?:{_S}\d){{14}}(?!\d)"), ID_MASK),
    (re.compile(rf"(?<![\d])(?:\(0\d{{2,3}}\)|0\d{{2,3}}){_S}\d(?:{_S}?\d){{6,7}}(?!\d)"), PHONE_MASK),
)


def _normalized(text: str) -> tuple[str, list[int]]:
    """NFKC of ``text`` character by character, with the original index of each output character."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        out.append(norm)
        where.extend([i] * len(norm))
    return "".join(out), where


def mask_personal_data(text: str) -> str:
    """``text`` with ID-card, mobile, landline and card numbers and e-mail addresses replaced
    by placeholders (found after NFKC normalization; the rest of the text is unchanged)."""
    if not text:
        return text
    norm, where = _normalized(text)
    spans: list[tuple[int, int, str]] = []
    for regex, mask in _PATTERNS:
        for m in regex.finditer(norm):
            if any(m.start() < e and s < m.end() for s, e, _ in spans):
                continue  # already inside an earlier, more specific match
            spans.append((m.start(), m.end(), mask))
    if not spans:
        return text
    out, last = [], 0
    for start, end, mask in sorted(spans):
        a, b = where[start], where[end - 1] + 1
        out.append(text[last:a])
        out.append(mask)
        last = b
    out.append(text[last:])
    return "".join(out)


def has_personal_data(text: str) -> bool:
    return mask_personal_data(text) != text


#: what makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A cell that a spreadsheet will show as text: a string starting with = + - @, a tab or a
    carriage return (also after leading spaces, also in full-width forms) gets a leading ``'``."""
    if not isinstance(value, str) or not value:
        return value
    head = unicodedata.normalize("NFKC", value[:8])
    if value.startswith(_FORMULA_START) or head.lstrip(" \u3000\n").startswith(_FORMULA_START):
        return "'" + value
    return value


class _MaskedRecord(logging.LogRecord):
    def getMessage(self) -> str:  # noqa: N802 - logging's name
        return mask_personal_data(super().getMessage())


def install_log_masking() -> None:
    """Mask personal data in every log record of this process (message, arguments and the
    text of a logged exception). Idempotent."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_personal_data", False):
        return

    def make(*args, **kwargs):  # type: ignore[no-untyped-def]
        record = factory(*args, **kwargs)
        record.__class__ = _MaskedRecord if type(record) is logging.LogRecord else record.__class__
        if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
            record.exc_text = mask_personal_data("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    make.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make)


__all__ = [
    "CARD_MASK", "EMAIL_MASK", "ID_MASK", "MOBILE_MASK", "PHONE_MASK", "csv_safe", "has_personal_data",
    "install_log_masking", "mask_personal_data",
]
