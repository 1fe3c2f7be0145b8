"""Text helpers shared by the stages: input cleaning, traditional→simplified conversion,
Chinese word segmentation for keyword search, and the match normalization of the
evaluation contract (NFKC, lower case, no whitespace)."""

from __future__ import annotations

import logging
import marshal
import os
import re
import tempfile
import threading
import unicodedata
import weakref
from collections.abc import Iterable
from functools import lru_cache

from .lexicon import words

_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")
_WS = re.compile(r"\s+")

log = logging.getLogger(__name__)

#: Function words and question words that carry no topic for keyword search (data/lexicon/stopwords.txt).
STOPWORDS = words("stopwords")

#: Bounded work per question: jieba's part-of-speech tagger guesses the words of a run of
#: characters its dictionary does not know with an HMM whose cost grows with the run (about
#: 5 ms per character: 2.3 s for 500 random characters). Runs longer than GUESS_RUN, and any
#: run past GUESS_CHARS characters guessed in one call, are tagged character by character
#: from the dictionary instead. The questions of eval/*.jsonl guess runs of at most 9
#: characters and 14 in all.
GUESS_RUN = 10
GUESS_CHARS = 16


#: markup pasted into a question: a script or style element with its content, then any tag
#: or comment (``<script>alert(1)</script>生态…`` → ``生态…``); a lone ``<`` or ``>`` stays
_MARKUP_BLOCK = re.compile(r"<(script|style)\b[^>]{0,200}>.{0,2000}?</\1\s*>", re.I | re.S)
_MARKUP_TAG = re.compile(r"<!--.{0,2000}?-->|</?[A-Za-z][A-Za-z0-9-]{0,20}(?:\s[^<>]{0,300})?/?>", re.S)


#: an ASCII comma, colon or semicolon ends a clause as its full-width form does, except inside
#: a figure or an address (5,000元, 10:30, https://…): then a digit, a Latin letter or a slash
#: follows it. Chunking and sentence scoring both cut with it
_IN_FIGURE_OR_ADDRESS = "[0-9A-Za-z/]"
ASCII_MARK_ENDS = f"(?!{_IN_FIGURE_OR_ADDRESS})"
#: … and the mark inside one, which does not end it
ASCII_MARK_INSIDE = f"(?={_IN_FIGURE_OR_ADDRESS})"

#: a table row as the loaders write it (:mod:`assistant.loaders.tables`): name：value pairs
#: joined by ；, ending in 。, "领域：生态安全领域；投资：12.74亿元。"
_ROW = re.compile(r"^(?:[^：；。\n]{1,20}：[^；\n]*；)+[^：；。\n]{1,20}：[^；\n]*。$")


#: the name under which a row carries the group that a one-cell row above it named (养老方面)
GROUP = "类别"


def is_row(line: str) -> bool:
    """Is ``line`` a table row? Its cells belong together: one sentence of one chunk."""
    return bool(_ROW.match(line.strip()))


def row_head(row: str) -> str:
    """What a table row is about: its first cell, after the group it carries
    (``类别：养老方面；指标名称：养老服务床位总量``); empty for a line that is not a row."""
    if not is_row(row):
        return ""
    cells = row.strip().split("；")
    k = 1 if cells[0].startswith(f"{GROUP}：") and len(cells) > 2 else 0
    return "；".join(cells[: k + 1])


def strip_markup(text: str) -> str:
    """Remove HTML/XML markup from a question; the words around it are the question."""
    return _MARKUP_TAG.sub(" ", _MARKUP_BLOCK.sub(" ", text))


def clean_question(text: str) -> str:
    """NFKC-normalize, drop markup, control and zero-width characters, collapse whitespace."""
    text = strip_markup(unicodedata.normalize("NFKC", text))
    text = _INVISIBLE.sub("", text)
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return _WS.sub(" ", text).strip()


def is_punctuation_only(text: str) -> bool:
    return not text or bool(_PUNCT_ONLY.match(text))


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC  # opencc-python-reimplemented

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (identity on simplified and Latin text)."""
    return _t2s().convert(text)


_MID_DECADE = re.compile(r"(?:本世纪|21世纪)?(?:([二三四五])十|20([1-5])0)年代(?:中期|中叶)")


def _mid_decade_year(match: re.Match[str]) -> str:
    spelled, digit = match.groups()
    return f"20{'一二三四五'.index(spelled) + 1 if spelled else digit}5年"


def prepare_query(text: str) -> str:
    """A cleaned question as it is searched and answered: simplified, and a decade spelled
    out as a year the text can hold (本世纪三十年代中期 / 2030年代中期 → 2035年)."""
    return _MID_DECADE.sub(_mid_decade_year, to_simplified(text))


def match_norm(text: str) -> str:
    """Normalization of the Q&A contract: NFKC, lower case, whitespace removed."""
    return _WS.sub("", unicodedata.normalize("NFKC", text).lower())


def cjk_ratio(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff") / len(letters)


#: the Chinese digits one to nine, in order (一 = 1)
CN_DIGITS = "一二三四五六七八九"
_CN_VALUES = {**{d: i + 1 for i, d in enumerate(CN_DIGITS)}, "两": 2, "十": 10}
#: a number in words up to 九十九 (三十, 二十五); :func:`cn_number` reads larger ones too
CN_WORDS = f"[{CN_DIGITS}两十]{{1,3}}"
#: the characters of a number in words of any size (一百五十, 五十万, 一千零五): what :func:`cn_number` reads
CN_NUMERAL = f"{CN_DIGITS}两十百千万零"
#: … or in digits (15)
CN_OR_DIGITS = rf"\d+|{CN_WORDS}"
#: the measure words things are counted in (3个, 五项, 2种, 10座): what a count question asks in
#: and what a count of a list is written with
COUNT_WORDS = "个项条类种批处座台家所名户次件株棵套间辆位份篇张本只头片块"
#: the units a length of time is counted in (15个工作日, 三十日, 6个月), longest first
TIME_UNITS = ("个工作日", "工作日", "个月", "小时", "日", "天")


#: the places of a number in words, and the magnitudes that multiply what comes before them
_CN_PLACES = {"十": 10, "百": 100, "千": 1000}
_CN_MAGNITUDES = {"万": 10_000, "亿": 100_000_000}


def cn_number(text: str) -> int | None:
    """A number in words as an int (三十, 二十五, 一百五十, 两千, 五十万, 一千零五), or in digits;
    None for anything else (二三, 十百, 百)."""
    if text.isdigit():
        return int(text)
    total = section = 0
    digit: int | None = None
    place = 10**9  # the last place written: places fall (一百五十), a magnitude starts anew
    for ch in text:
        if ch in _CN_VALUES and ch != "十":
            if digit is not None:
                return None  # two digits in a row (二三)
            digit = _CN_VALUES[ch]
        elif ch == "零":
            digit = None
        elif ch in _CN_PLACES:
            if _CN_PLACES[ch] >= place or (digit is None and ch != "十"):
                return None  # 十百; 百 alone (十 alone is ten)
            place = _CN_PLACES[ch]
            section += (1 if digit is None else digit) * place
            digit = None
        elif ch in _CN_MAGNITUDES and (section or digit):
            total += (section + (digit or 0)) * _CN_MAGNITUDES[ch]
            section, digit, place = 0, None, 10**9
        else:
            return None
    return total + section + (digit or 0)


def is_english(text: str) -> bool:
    """A question written in English (fewer than 30 % of its letters Chinese characters)."""
    return cjk_ratio(text) < 0.3


def _initialize(tok) -> None:  # type: ignore[no-untyped-def]
    """``tok.initialize()``, reading jieba's cache of its default dictionary in one piece.

    jieba passes the open cache file to ``marshal.load``, which then calls ``readinto``
    once per entry (half a million of them): about three times as slow as ``marshal.loads``
    on the file's bytes. Anything else (no cache file yet, another dictionary or cache
    location, an unreadable cache) is left to jieba, which also rebuilds the cache."""
    import jieba

    if tok.dictionary == jieba.DEFAULT_DICT and not tok.cache_file:
        path = os.path.join(tok.tmp_dir or tempfile.gettempdir(), "jieba.cache")  # as jieba names it
        try:
            with open(path, "rb") as fh:
                tok.FREQ, tok.total = marshal.loads(fh.read())
        except (OSError, EOFError, ValueError, TypeError):
            pass
        else:
            tok.initialized = True
            return
    tok.initialize()


class _Dictionary:
    """jieba's dictionary with one set of user words, loaded at most once and shared by
    every :class:`ChineseTokenizer` with those words. Readers only ever see a fully
    initialized tokenizer: it is published after the load and the user words are in."""

    def __init__(self, user_words: tuple[str, ...]) -> None:
        self.user_words = user_words
        self._lock = threading.Lock()  # held while loading: concurrent first callers wait
        self._jieba = None
        self._posseg = None
        self._loader: threading.Thread | None = None
        self._loader_lock = threading.Lock()

    def tokenizer(self):  # type: ignore[no-untyped-def]
        tok = self._jieba
        if tok is None:
            with self._lock:
                if self._jieba is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    tok = jieba.Tokenizer()
                    _initialize(tok)
                    for word in self.user_words:
                        tok.add_word(word, freq=20000)
                    self._jieba = tok
                tok = self._jieba
        return tok

    def posseg(self):  # type: ignore[no-untyped-def]
        pos = self._posseg
        if pos is None:
            tok = self.tokenizer()
            with self._lock:
                if self._posseg is None:
                    self._posseg = _bounded_posseg(tok)
                pos = self._posseg
        return pos

    def preload(self) -> None:
        if self._jieba is not None:
            return
        with self._loader_lock:
            if self._loader is None:
                self._loader = threading.Thread(target=self._preload, name="jieba-preload", daemon=True)
                self._loader.start()

    def _preload(self) -> None:
        try:
            self.tokenizer()
        except Exception:  # noqa: BLE001 - the first real call loads again and raises
            log.warning("jieba dictionary preload failed", exc_info=True)


def _bounded_posseg(tok):  # type: ignore[no-untyped-def]
    """jieba's ``POSTokenizer`` over ``tok`` whose HMM guessing is bounded per call
    (:data:`GUESS_RUN`, :data:`GUESS_CHARS`); everything else is jieba's own."""
    import jieba.posseg

    class BoundedPOSTokenizer(jieba.posseg.POSTokenizer):
        def __init__(self, tokenizer) -> None:  # type: ignore[no-untyped-def]
            super().__init__(tokenizer)
            self._left = threading.local()  # characters the current call may still guess

        def cut(self, sentence, HMM=True):  # type: ignore[no-untyped-def]
            self._left.chars = GUESS_CHARS
            yield from super().cut(sentence, HMM=HMM)

        def _POSTokenizer__cut(self, sentence):  # type: ignore[no-untyped-def]  # jieba's HMM over one run
            left = getattr(self._left, "chars", GUESS_CHARS)
            if len(sentence) > GUESS_RUN or len(sentence) > left:
                for ch in sentence:  # as jieba tags a single unknown character
                    yield jieba.posseg.pair(ch, self.word_tag_tab.get(ch, "x"))
                return
            self._left.chars = left - len(sentence)
            yield from super()._POSTokenizer__cut(sentence)

    return BoundedPOSTokenizer(tok)


#: Loaded dictionaries by user words, alive while a tokenizer uses them; the most recent
#: one is also kept, so that successive builds or indexes in one process load it once.
_DICTIONARIES: weakref.WeakValueDictionary[tuple[str, ...], _Dictionary] = weakref.WeakValueDictionary()
_DICTIONARIES_LOCK = threading.Lock()
_last_dictionary: _Dictionary | None = None


def _shared_dictionary(user_words: tuple[str, ...]) -> _Dictionary:
    global _last_dictionary
    with _DICTIONARIES_LOCK:
        dictionary = _DICTIONARIES.get(user_words)
        if dictionary is None:
            dictionary = _DICTIONARIES[user_words] = _Dictionary(user_words)
        _last_dictionary = dictionary
        return dictionary


class ChineseTokenizer:
    """jieba search-mode segmentation with the plan's own terms added, lower-cased,
    stop words and punctuation removed. Thread-safe; tokenizers with the same user words
    share one dictionary, loaded once per process (:meth:`preload` starts it early)."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self.user_words = tuple(sorted(set(w for w in user_words if w)))
        self._dictionary = _shared_dictionary(self.user_words)

    def preload(self) -> None:
        """Start loading the dictionary in a background thread and return at once
        (nothing to do when it is loaded or loading); a first call waits for the rest."""
        self._dictionary.preload()

    def _tokenizer(self):  # type: ignore[no-untyped-def]
        return self._dictionary.tokenizer()

    @property
    def posseg(self):  # type: ignore[no-untyped-def]
        """Part-of-speech segmentation with the same dictionary (``.cut(text)`` → (word, flag))."""
        return self._dictionary.posseg()

    def words(self, text: str) -> list[str]:
        """``text`` cut into words as written (jieba's accurate mode, the same dictionary):
        every character in one word, in order."""
        return self._tokenizer().lcut(text)

    def __call__(self, text: str) -> list[str]:
        text = to_simplified(unicodedata.normalize("NFKC", text)).lower()
        words = self._tokenizer().lcut_for_search(text)
        return [w for w in (w.strip() for w in words) if w and w not in STOPWORDS and not _PUNCT_ONLY.match(w)]
