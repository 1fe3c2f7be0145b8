"""Domain errors. Raised inside the package; the CLI and the web app turn each into one
clear sentence for the user (``str(error)`` is that sentence)."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: ``str(err)`` is a complete sentence a user can act on."""


class CorpusError(AssistantError):
    """The corpus folder is missing or holds no readable document."""


class DocumentError(AssistantError):
    """One corpus file could not be read; it is reported and skipped."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class EmbeddingModelError(AssistantError):
    """The embedding model could not be built or loaded."""


class IndexMissingError(AssistantError):
    """No index has been built yet."""


class IndexMismatchError(AssistantError):
    """The index was built with other settings or from another corpus."""


class IndexCorruptError(AssistantError):
    """A file of the build in service is missing, truncated or unreadable."""


class IndexBuildError(AssistantError):
    """A build failed validation; the previous index stays in service."""


class IndexLockedError(AssistantError):
    """Another process is building the index."""


class InvalidQuestionError(AssistantError):
    """The question is empty, too long or otherwise unusable."""


class LLMError(AssistantError):
    """The configured LLM endpoint failed, timed out or returned an unusable answer."""


REBUILD_HINT = "运行 `assistant index` 重建索引（run `assistant index` to rebuild it）"


class CuratedError(AssistantError):
    """``corpus/curated.yaml`` is invalid, or an entry no longer matches the documents; the
    build fails and the previous index stays in service."""
