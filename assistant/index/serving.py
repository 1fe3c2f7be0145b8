"""The build a process serves: opened on first use, held with a lease (so that no build
removes it while it is served), and followed across rebuilds: when ``index/CURRENT`` has
changed (one ``stat`` per use), the new build is opened with the corpus as it is now and
replaces the old one, whose lease is then released."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..config import Settings
from ..corpus import CorpusLoad, load_corpus
from ..embeddings import Embedder
from ..errors import AssistantError
from .layout import IndexLayout, lease, release
from .reader import PlanIndex, open_index

log = logging.getLogger(__name__)


class ServedBuild:
    """Thread-safe; :meth:`get` is cheap when nothing changed."""

    def __init__(self, settings: Settings, embedder: Callable[[], Embedder]) -> None:
        self.settings = settings
        self.embedder = embedder
        self.layout = IndexLayout(settings.index_path)
        self.index: PlanIndex | None = None
        self._stamp: tuple[int, int] | None = None  # CURRENT as it was when ``index`` was opened
        self._lock = threading.RLock()

    def get(self, corpus: Callable[[], CorpusLoad]) -> tuple[PlanIndex, CorpusLoad | None]:
        """The index to serve now, and the corpus it was opened with when that is a new one
        (a rebuild followed); ``corpus()`` gives the corpus in use otherwise."""
        with self._lock:
            if self.index is not None and self.layout.current_stamp() != self._stamp:
                fresh = self._follow()
                if fresh is not None:
                    return self.index, fresh
            if self.index is None:
                stamp = self.layout.current_stamp()
                self._serve(open_index(self.settings, self.embedder(), corpus()), stamp)
            assert self.index is not None
            return self.index, None

    def _follow(self) -> CorpusLoad | None:
        """Open the build that ``CURRENT`` names now; keep the one in service when it cannot
        be opened (logged; tried again after the next change of ``CURRENT``)."""
        stamp = self.layout.current_stamp()
        try:
            corpus = load_corpus(self.settings.corpus_path)
            index = open_index(self.settings, self.embedder(), corpus)
        except AssistantError as err:
            log.error("the new index cannot be served, still serving %s: %s", self.index and self.index.build_id, err)
            self._stamp = stamp
            return None
        self._serve(index, stamp)
        log.info("now serving index %s", index.build_id)
        return corpus

    def _serve(self, index: PlanIndex | None, stamp: tuple[int, int] | None) -> None:
        old = self.index
        if index is not None:
            lease(index.path)
        self.index, self._stamp = index, stamp
        if old is not None:
            release(old.path)

    def reset(self) -> None:
        """Serve nothing until the next :meth:`get` (after a build in this process)."""
        with self._lock:
            self._serve(None, None)
