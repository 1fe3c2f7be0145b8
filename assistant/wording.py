"""The assistant's wording: templates from ``assistant/data/wording.yaml`` (or a file passed
in) filled with the deployment's :class:`~assistant.identity.Identity` and the values the
code gives. Code never types a sentence that a template holds."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .identity import Identity

WORDING_FILE = Path(__file__).with_name("data") / "wording.yaml"


@lru_cache(maxsize=4)
def load_templates(path: Path = WORDING_FILE) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    odd = [k for k in data if not isinstance(k, str)]
    if odd:  # yes/no/on/off are booleans to YAML: such a key would never be found
        raise ValueError(f"{path.name}: keys must be names, not {odd!r}")
    return {k: str(v) for k, v in data.items()}


class Wording:
    """``wording("not_covered", topic=…, nearest=…)`` → the sentence, with the identity's
    fields ({short}, {issuer}, {referral}, {contact} …) filled in."""

    def __init__(self, identity: Identity, templates: dict[str, str] | None = None) -> None:
        self.identity = identity
        self.templates = templates if templates is not None else load_templates()
        scope = identity.scope
        self._fields: dict[str, Any] = {
            "document": identity.document,
            "short": identity.short_name,
            "source": identity.source_name,
            "issuer": identity.issuer or identity.document,
            "referral": identity.referral,
            "contact": identity.contact,
            "name": identity.name,
            "scope": scope,
            "scope_hint": self.templates.get("scope_hint", "").format(scope=scope) if scope else "",
            "example": identity.examples[0] if identity.examples else "",
        }

    def __call__(self, key: str, **fields: Any) -> str:
        try:
            template = self.templates[key]
        except KeyError:
            raise KeyError(f"no wording for {key!r}; known: {', '.join(sorted(self.templates))}") from None
        return template.format_map({**self._fields, **fields})

    def fields(self, key: str) -> set[str]:
        """The names a template uses (for tests: every one must be filled)."""
        return {name for _, name, _, _ in string.Formatter().parse(self.templates[key]) if name}


__all__ = ["WORDING_FILE", "Wording", "load_templates"]
