"""Sentence scoring: which sentence of the retrieved passages answers a question, by the
words it shares with the question (after the synonyms and the glossary), the rank of its
passage, and the cosine between the question and its best clause."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..retrieval import expansions
from ..text import ASCII_MARK_ENDS, ASCII_MARK_INSIDE, is_english, is_row, row_head
from ..types import Chunk, RetrievedChunk
from .understanding import AGENT, WHO, asked_subject, content_words
from .vocabulary import YEAR, Vocabulary, leaf, untitled

#: an ASCII comma or semicolon ends a clause or sentence as its full-width form does (some
#: documents are typed with them: …240元/人/日,其他申请人…), not inside a figure or an address
#: (:data:`~assistant.text.ASCII_MARK_ENDS`); inside one it is part of the run
_SENT = re.compile(rf"(?:[^。！？；;\n]|;{ASCII_MARK_INSIDE})+(?:[。！？；]|;{ASCII_MARK_ENDS})?")
_CLAUSE = re.compile(rf"(?:[^，。！？；,;\n]|[,;]{ASCII_MARK_INSIDE})+(?:[，。！？；]|[,;]{ASCII_MARK_ENDS})?")


def sentences(text: str) -> list[str]:
    """The sentences of a text; a bracketed note after a full stop (“…改造。（牵头单位：九亭镇）”)
    belongs to the sentence before it on its line (a line that opens with “（六）” is an item of
    its own), and a table row is one sentence."""
    out: list[str] = []
    for line in text.split("\n"):
        if is_row(line):
            out.append(line.strip())
            continue
        first = True
        for s in (s.strip() for s in _SENT.findall(line)):
            if not s:
                continue
            if not first and s[0] in "（(" and out[-1].endswith("。") and not is_row(out[-1]):
                out[-1] += s  # on its line: a note to the sentence before, not a list item of its own
            else:
                out.append(s)
            first = False
    return out


def clauses(sentence: str) -> list[str]:
    return [c for c in _CLAUSE.findall(sentence) if c.strip()]


def end(text: str) -> str:
    """Text without its closing punctuation."""
    return text.rstrip("，,；;。")


class SentenceScorer:
    """Scores the sentences of the first :attr:`TOP` passages for a question."""

    #: weight of the dense clause similarity against word overlap, per DENSE_SCALE of cosine
    #: below the best clause (calibrated on eval/qa.jsonl and eval/dev.jsonl: 0.5, 0.75, 1
    #: and 1.5 measured)
    DENSE_WEIGHT = 0.5
    DENSE_SCALE = 0.05
    #: what a sentence naming a body (局, 部门, 政府 …) gains for a question asking who
    AGENT_BONUS = 0.3
    #: what the one sentence gains that holds the question's asked subject word for word
    #: (竞价原则是什么: …竞价原则为“先价格，后容量”); a subject many sentences hold, such as
    #: 牵头单位 in a list of projects, tells none apart
    SUBJECT_BONUS = 1.0
    #: sentences are chosen from the first TOP passages (3, 4 and 5 measured on the full
    #: development run, 2026-12-06: from 3 to 4, +7 right, 4 lost, 7 wrong answers fewer and 4
    #: more, 58 answers changed; 5 changes 71 for +9/−5 right and 8/6 wrong)
    TOP = 4

    def __init__(self, vocab: Vocabulary, tokenize, vectors=None) -> None:  # type: ignore[no-untyped-def]
        self.vocab = vocab
        self.tokenize = tokenize
        #: the clause vectors (:class:`~assistant.embeddings.SentenceVectors`), or None: words only
        self.vectors = vectors

    @staticmethod
    def units(chunk: Chunk) -> list[tuple[str, str]]:
        """(sentence, embedded text) for each clause of a chunk; a cell of a table row is
        embedded with what the row is about (领域：生态安全领域；投资：12.74亿元)."""
        out = []
        for sent in sentences(chunk.text):
            head = row_head(sent)
            for c in clauses(sent):
                text = c if not head else head if end(c) in head.split("；") else f"{head}；{c}"
                out.append((sent, SentenceScorer.unit_text(chunk, text)))
        return out

    @staticmethod
    def clause_texts(chunk: Chunk) -> list[str]:
        """What is embedded of a chunk: each clause's text (stored with the index when it is built)."""
        return [text for _, text in SentenceScorer.units(chunk)]

    @staticmethod
    def unit_text(chunk: Chunk, clause: str) -> str:
        """What a clause is embedded as: its section's name, then the clause."""
        return f"{untitled(chunk, leaf(chunk))}：{end(untitled(chunk, clause))}"

    def warm(self, chunks: Sequence[Chunk], limit: int, batch: int = 64) -> bool:
        """Embed the clauses of ``chunks`` now, when there are at most ``limit`` of them (in
        small batches, so that questions asked meanwhile wait for one batch at most).
        Returns whether it did (not when the index stored them when it was built)."""
        if self.vectors is None or getattr(self.vectors, "stored", None) is not None:
            return False
        texts: list[str] = []
        for c in chunks:
            texts.extend(text for _, text in self.units(c))
            if len(texts) > limit:
                return False
        for start in range(0, len(texts), batch):
            self.vectors.add(texts[start : start + batch])
        return True

    def sentence_similarity(self, query_vector, passages: Sequence[RetrievedChunk]) -> dict[tuple[str, str], float]:  # type: ignore[no-untyped-def]
        """(chunk id, sentence) → best cosine of its clauses to the question, over the first
        TOP passages; empty without a query vector."""
        if query_vector is None or self.vectors is None:
            return {}
        keys: list[tuple[str, str]] = []
        groups: list[tuple[str, list[str]]] = []
        for rc in passages[: self.TOP]:
            units = self.units(rc.chunk)
            keys.extend((rc.chunk.id, sent) for sent, _ in units)
            groups.append((rc.chunk.id, [text for _, text in units]))
        sims = [x for group in self.vectors.chunk_similarities(query_vector, groups) for x in group]
        out: dict[tuple[str, str], float] = {}
        for key, sim in zip(keys, sims):
            out[key] = max(out.get(key, -1.0), sim)
        return out

    def best_clause(self, query_vector, passages: Sequence[RetrievedChunk]) -> float | None:  # type: ignore[no-untyped-def]
        """The best cosine of a clause of the first TOP passages to the question (None without vectors)."""
        sims = self.sentence_similarity(query_vector, passages)
        return max(sims.values()) if sims else None

    def overlap(self, qtokens: set[str], text: str) -> float:
        """The share of the question's words that ``text`` holds."""
        if not qtokens:
            return 0.0
        ttokens = set(self.tokenize(text))
        hits = sum(1 for t in qtokens if t in ttokens or (len(t) >= 2 and t in text))
        return hits / len(qtokens)

    def qtokens(self, question: str) -> set[str]:
        """The question's words: content words and single characters, what its synonyms and
        glossary terms stand for, and its years; not the deployment's place names, and not the
        words of a document's own name pasted into it (《…规划（2024—2035年）》是由哪个单位编制的)."""
        question = self.vocab.without_titles(question)
        years = YEAR.findall(question)
        tokens = set(content_words(self.tokenize(question))) | {t for t in self.tokenize(question) if len(t) == 1 and "\u4e00" <= t <= "\u9fff"}
        for extra in expansions(question, self.vocab.glossary, self.vocab.synonyms):
            tokens.update(content_words(self.tokenize(extra)) or [extra])
        if is_english(question):  # the corpus's words for its English ones
            tokens.update(self.vocab.english(question))
        for term in self.vocab.glossary:
            if any(n in question for n in term.names):
                tokens.add(term.term)
        tokens.update(years)
        return {t for t in tokens if not self.vocab.is_place(t)}

    def best_sentences(
        self, question: str, passages: Sequence[RetrievedChunk], n: int = 2, query_vector=None,  # type: ignore[no-untyped-def]
    ) -> list[tuple[float, int, str]]:
        """(score, passage position, sentence), best first: word overlap plus a rank prior,
        plus the dense similarity of its best clause to the question (with a query vector)."""
        q = self.qtokens(question)
        dense = self.sentence_similarity(query_vector, passages)
        top = max(dense.values()) if dense else 0.0
        who = bool(WHO.search(question))
        subject = asked_subject(self.vocab.without_titles(question), self.tokenize)
        if subject and sum(subject in s for rc in passages[: self.TOP] for s in sentences(rc.chunk.text)) != 1:
            subject = None
        scored = []
        for pos, rc in enumerate(passages[: self.TOP]):
            prior = 0.35 / (pos + 1) + self.overlap(q, untitled(rc.chunk, leaf(rc.chunk))) * 0.3
            for k, s in enumerate(sentences(rc.chunk.text)):
                own = untitled(rc.chunk, s)
                score = self.overlap(q, own) + prior - k * 0.01
                if dense:
                    score += self.DENSE_WEIGHT * (dense.get((rc.chunk.id, s), top - 1.0) - top) / self.DENSE_SCALE
                if who and AGENT.search(own):
                    score += self.AGENT_BONUS  # 谁编制的: the sentence that names a body
                if subject and subject in own:
                    score += self.SUBJECT_BONUS
                scored.append((score, pos, s))
        scored.sort(key=lambda x: -x[0])
        return scored[:n]


__all__ = ["SentenceScorer", "clauses", "end", "sentences"]
