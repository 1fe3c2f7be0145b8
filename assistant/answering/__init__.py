"""Answering without an LLM: understand the question (:mod:`.understanding`), decide
whether the corpus covers it (:mod:`.coverage`), score sentences (:mod:`.scoring`) and
compose a short answer with one handler per intent (:mod:`.compose` and the handler
modules), worded by :mod:`assistant.wording`.

Markers in drafts are ``[k]`` with ``k`` the 1-based position of a passage in the list
given to the composer; :func:`assistant.citations.renumber` turns them into citations.
"""

from __future__ import annotations

from .compared import aggregate_or_compared
from .attachments import attachments
from .bands import banded
from .compose import Composer, Draft, Handler, quote_fallback
from .coverage import Decision, Thresholds, decide, refusal_text
from .extensions import extended_limit
from .figures import figure
from .general import general, yesno
from .intervals import interval
from .items import items_total
from .lists import definition, list_answer, membership
from .members import members
from .effective import effective_date
from .parts import document_part
from .outline import outline
from .rates import per_unit
from .respectively import respective
from .spans import date_span
from .terms import term_total
from .validity import validity_end
from .ordinals import nth_part
from .scoring import SentenceScorer
from .shares import ratio
from .understanding import Intent, classify, rewrite_followup, strip_injection
from .vocabulary import Vocabulary, everyday_synonyms, load_synonyms, untitled

#: intent → the handler that answers it (Composer's dispatch table)
HANDLERS: dict[Intent, Handler] = {
    Intent.FIGURE: figure,
    Intent.LIST: list_answer,
    Intent.MEMBERSHIP: membership,
    Intent.DEFINITION: definition,
    Intent.YESNO: yesno,
    Intent.AGGREGATE: aggregate_or_compared,
    Intent.GENERAL: general,
}
#: handlers tried before the intent's: an average or a share of one named section, the
#: part of a heading at a position (第三个方面, 最后一条), the total of things a question lists,
#: the total or difference of things a sentence gives figures respectively (分别给予…), an
#: amount per period over the longest term (每年3000元，最长2年), a time limit with its extension
#: (15个工作日内…可以延长10个工作日), the time between two dated things (从通过到施行隔了几天), the days
#: of a date range,
#: which N members of a group no passage lists (哪六个产业), the band of a scale that holds
#: the question's own amount (罚了8万元, 奖励多少), a price per unit applied to the question's
#: own amount (报了3000千瓦时), a part of the document asked by name (文号), its chapters and
#: articles (这个办法一共分几章), the attachments it lists (附了哪几个附件), the day the document takes effect (本条例自2019年7月1日起施行)
FIRST: tuple[Handler, ...] = (ratio, nth_part, items_total, respective, term_total, extended_limit, interval, date_span, validity_end, members, banded, per_unit, document_part, outline, attachments, effective_date)

__all__ = [
    "FIRST", "HANDLERS", "Composer", "Decision", "Draft", "Intent", "SentenceScorer", "Thresholds", "Vocabulary",
    "classify", "decide", "everyday_synonyms", "load_synonyms", "quote_fallback", "refusal_text", "rewrite_followup", "strip_injection",
    "untitled",
]
