"""Who the assistant is, for one deployment: read from ``corpus/assistant.yaml`` or, failing
it, derived from the documents' front matter (``title``, ``issuer``) and text.

Every text that names the document, its issuer, the referral or the places it is about (the
refusals, the chat and embed pages, the LLM prompt, the demo page) reads an :class:`Identity`;
nothing about one document is typed into the code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import lexicon
from .chunking import strip_numbering
from .errors import CorpusError
from .types import Document

log = logging.getLogger(__name__)

IDENTITY_FILE = "assistant.yaml"
#: the referral when neither the identity file nor the documents name one
DEFAULT_REFERRAL = "12345政务服务便民热线"

_BOOK = re.compile(r"《([^《》]+)》")
#: a cited title whose bracket the abbreviation stands in: 《…》（国发〔2015〕52号，
_CITING = re.compile(r"《([^《》]+)》[（(][^（）()]*$")
_CALLED = re.compile(r"以下简称[“\"「]?(《[^《》]{1,8}》|[\u4e00-\u9fff]{2,8})")
#: the kind of document a title ends with, which its short name is (…建设规划 → 《规划》)
DOCUMENT_KINDS = lexicon.document_kinds()
#: a place name at the start of a title or issuer (长春市…, 吉林省生态环境厅…)
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:自治州|自治县|特别行政区|省|市|县|区|州|旗|盟)")
_PLACE_SUFFIX = re.compile(r"(?:自治州|自治县|特别行政区|省|市|县|区|州|旗|盟)$")
#: what may open a title or stand between an office and a place it goes on with (关于印发…,
#: …人民政府关于印发安顺市…, 中共柳河县委)
_NOT_PLACE = re.compile(r"^(?:中共|关于(?:印发|转发|重新发布|做好|加强|进一步|推进|支持)?)")
#: what no place name holds: an office's words, a document's verbs (公厅关于印发广州, 关于受理天河区)
_NOT_IN_PLACE = re.compile(r"关于|印发|转发|发布|受理|[局委厅府部办的和]")
#: the last character of an office's name, after which another place may follow (…局某某市分局)
_OFFICE_ENDS = "局委厅府部办"
#: a place that goes on from another (上海市松江区, 广东省广州市) is a division of it, whose name is
#: short; a longer run there names what the place does (青山市生态文明建设示范区建设规划)
_DIVISION_CHARS = 4


_HEADING = re.compile(r"^#{2,4}\s*(.+?)\s*$", re.M)
_NUMBERED_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、\s*([^，。；：\n]{2,16})\s*$", re.M)


class Identity(BaseModel):
    """The deployment's identity (see ``corpus/README.md`` for the file that sets it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document: str = Field(description="Full name of the document, in book-title marks: 《…》.")
    short_name: str = Field(description="How answers name the document: 《规划》, 《方案》 …")
    source_name: str = Field("", description="How answers name their source (default: the short name), e.g. 《规划》政策解读.")
    title: str = Field(description="Title of the chat page.")
    name: str = Field(description="The assistant's name as it introduces itself.")
    issuer: str = Field("", description="The body that issued the document; refusals refer to it.")
    referral: str = Field(DEFAULT_REFERRAL, description="Where people get help the documents do not give.")
    scope: str = Field("", description="What can be asked, for the off-topic message: 目标、任务、保障措施等.")
    places: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="Place names the documents are about → their aliases (长春市: [长春])."
    )
    examples: tuple[str, ...] = Field((), description="Example questions shown on the chat page.")
    warm_up: str = Field("", description="The question answered at start-up to load everything.")
    organisation: str = Field("", description="The government shown in the demo page's header.")

    @model_validator(mode="after")
    def _defaults(self) -> "Identity":
        if not self.source_name:
            object.__setattr__(self, "source_name", self.short_name)
        if not self.warm_up and self.examples:
            object.__setattr__(self, "warm_up", self.examples[0])
        return self

    @property
    def place_names(self) -> tuple[str, ...]:
        """Every place name and alias, longest first."""
        names = {n for place, aliases in self.places.items() for n in (place, *aliases)}
        return tuple(sorted(names, key=lambda n: (-len(n), n)))

    @property
    def contact(self) -> str:
        """The referral, and the issuer when there is one: 拨打12345…，或咨询…."""
        return f"请拨打{self.referral}" + (f"，或咨询{self.issuer}" if self.issuer else "")


def load_identity(corpus_dir: Path, documents: Sequence[Document]) -> Identity:
    """The identity of a corpus: ``assistant.yaml`` over what the documents say."""
    derived = derive_identity(documents)
    path = corpus_dir / IDENTITY_FILE
    if not path.exists():
        return derived
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError("not a mapping")
        places = data.get("places")
        if isinstance(places, dict):
            data["places"] = {str(k): tuple(str(a) for a in (v or ())) for k, v in places.items()}
        return Identity(**{**derived.model_dump(), **{k: v for k, v in data.items() if v not in (None, "")}})
    except (yaml.YAMLError, ValueError, TypeError, ValidationError) as err:
        reason = str(err).splitlines()[0]
        raise CorpusError(f"{path.name} 格式有误（invalid identity file: {reason}），请按 corpus/README.md 修改。") from err


def derive_identity(documents: Sequence[Document]) -> Identity:
    """What the documents' front matter and text say about who speaks and of what."""
    if not documents:
        raise CorpusError("没有文档，无法确定助手的身份（no documents to derive the identity from）。")
    first = documents[0]
    titles = [d.title for d in documents]
    document = book_title(first.title) if len(documents) == 1 else "、".join(dict.fromkeys(book_title(t) for t in titles))
    issuers = [d.metadata.get("issuer", "") for d in documents if d.metadata.get("issuer")]
    issuer = issuers[0] if issuers else ""
    short = short_name(first) if len(documents) == 1 else "文件"
    title = re.sub(r"[《》]", "", first.title) if len(documents) == 1 else f"{issuer or ''}政策文件"
    referral = next((d.metadata["referral"] for d in documents if d.metadata.get("referral")), DEFAULT_REFERRAL)
    # the places titles and issuers name, then those the front matter says the documents are of (locality: 广东省广州市天河区)
    places = derive_places([*titles, *issuers])
    localities = [d.metadata["locality"] for d in documents if isinstance(d.metadata.get("locality"), str)]
    places |= {k: v for k, v in derive_places(localities).items() if k not in places}
    return Identity(
        document=document,
        short_name=short,
        title=f"{title}问答",
        name=f"{first.title if len(documents) == 1 else title}问答助手",
        issuer=issuer,
        referral=referral,
        places=places,
        organisation=next(iter(places), issuer),
        examples=derive_examples(first, short),
    )


def derive_examples(doc: Document, short: str, n: int = 4) -> tuple[str, ...]:
    """Example questions from the document's headings: 《方案》的工作目标是什么？"""
    headings = _HEADING.findall(doc.text) or _NUMBERED_HEADING.findall(doc.text)
    names = [strip_numbering(h).strip("#* ") for h in headings]
    names = [h for h in dict.fromkeys(names) if 2 <= len(h) <= 12 and not _BOOK.search(h)]
    return tuple(f"{short}的{name}是什么？" for name in names[:n])


def book_title(title: str) -> str:
    """The document's name in book-title marks: the first 《…》 of a title, or the title."""
    m = _BOOK.search(title)
    return f"《{m.group(1)}》" if m else f"《{title.strip()}》"


def short_name(doc: Document) -> str:
    """How the text itself abbreviates the document (以下简称《规划》, 以下简称本细则), else the
    kind of document its title ends with (…实施方案 → 《方案》), else 《文件》. An abbreviation
    of a body or a thing (以下简称“区房管局”, 以下简称承储企业), or of a document the text cites
    (根据《国务院关于…的意见》（…以下简称《国务院意见》）), is no name of the document."""
    for m in _CALLED.finditer(doc.text):
        name = m.group(1)
        cited = _CITING.search(doc.text, max(0, m.start() - 200), m.start())
        if cited and cited.group(1) not in doc.title:
            continue  # 根据《国务院关于…的意见》（国发〔2015〕52号，以下简称《国务院意见》）: a document it cites
        if name.startswith("《"):
            return name
        name = re.sub(r"^[本该此]", "", name)
        if name.endswith(DOCUMENT_KINDS):
            return f"《{name}》"
    name = book_title(doc.title)[1:-1]
    name = re.sub(r"[（(][^（）()]*[）)]$", "", name)  # （2024—2035年）
    kind = next((k for k in DOCUMENT_KINDS if name.endswith(k)), None)
    return f"《{kind}》" if kind else "《文件》"


def derive_places(texts: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Place names that open a title or an issuer (长春市), follow another (上海市松江区) or
    follow an office in it (吉林市生态环境局蛟河市分局 → 蛟河市; past 关于印发 or 中共 before
    it: 中共柳河县委 → 柳河县), with their short forms (长春, 松江, 蛟河). A locality of the
    front matter (广东省广州市天河区) is such a run of places. A place right after another
    is a division of it, named in at most :data:`_DIVISION_CHARS` characters before its
    suffix (松江区; not 生态文明建设示范区 after 青山市)."""
    places: dict[str, tuple[str, ...]] = {}
    for text in texts:
        text = text.lstrip("《")
        ends = {0}  # a place may open the text, follow an office or follow another place (上海市松江区)
        for i in range(len(text)):
            if i not in ends and text[i - 1] not in _OFFICE_ENDS:
                continue
            i += len(m0.group(0)) if (m0 := _NOT_PLACE.match(text, i)) else 0
            m = _PLACE.match(text, i)
            if m:
                name = m.group(0)
                short = _PLACE_SUFFIX.sub("", name)
                if _NOT_IN_PLACE.search(name):
                    continue  # 办公厅关于印发广州: an office's name and what it does, not a place
                if i in ends and i > 0 and len(short) > _DIVISION_CHARS:
                    continue  # 青山市 + 生态文明建设示范区: a division's name is short
                ends.add(m.end())
                places.setdefault(name, (short,) if len(short) >= 2 else ())
    return places


__all__ = ["DEFAULT_REFERRAL", "IDENTITY_FILE", "Identity", "derive_identity", "load_identity"]
