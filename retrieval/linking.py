"""Entity linking: which graph entities a question names.

Mentions come from spaCy's named entities (noun chunks when it finds none). Each mention gathers candidates two
ways, Neo4j full-text search over entity names and aliases (``entity_names``, the mention escaped for Lucene) and
nearest neighbours in the entity vectors (FAISS, or Neo4j's vector index: ``vector_backend``), with one Neo4j round
trip for all the mentions' candidates; each candidate is scored by the cosine between the mention and the entity's
stored name vector (1.0 for an exact name or alias), the stored vectors of all candidates read at once. The best
candidates of each mention above the threshold are kept, merged by entity id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from trellis.kg.graph import GraphStore, Record
from trellis.kg.vectors import VectorSearch
from trellis.retrieval.lucene import terms_query
from trellis.retrieval.types import LinkedEntity

__all__ = ["EntityLinker", "find_mentions"]

logger = logging.getLogger(__name__)

EmbedFunction = Callable[[Sequence[str]], np.ndarray]
_VALUE_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
_LEADING = frozenset({"the", "a", "an"})


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def find_mentions(nlp: Language, question: str, *, max_mentions: int = 8) -> list[str]:
    """The entity mentions of a question: named entities (values such as dates left out), else noun chunks."""
    found = [ent.text for ent in _entities_only(nlp, question).ents if ent.label_ not in _VALUE_LABELS]
    if not found:
        doc = nlp(question)
        found = [" ".join(t.text for t in chunk if not t.is_stop and not t.is_punct) for chunk in doc.noun_chunks]
    mentions: list[str] = []
    for text in found:
        words = text.split()
        while len(words) > 1 and words[0].lower() in _LEADING:
            words = words[1:]
        mention = " ".join(words).strip()
        if mention and _normal(mention) not in {_normal(m) for m in mentions}:
            mentions.append(mention)
    return mentions[:max_mentions]


def _entities_only(nlp: Language, text: str) -> Doc:
    """``text`` through the named-entity recogniser alone, when it does not listen to a shared tok2vec (as in the
    packaged en_core_web_sm): about half the whole pipeline's time on a question; the tagger and parser are only
    needed for noun chunks. Otherwise the whole pipeline. Thread-safe: nothing is switched off."""
    ner = _standalone_ner(nlp)
    return nlp(text) if ner is None else ner(nlp.make_doc(text))


@lru_cache(maxsize=8)
def _standalone_ner(nlp: Language) -> Callable[[Doc], Doc] | None:
    """The pipeline's recogniser when it runs without the rest (looked at once per pipeline), else None."""
    ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
    if ner is None or any("Listener" in type(layer).__name__ for layer in ner.model.walk()):  # type: ignore[attr-defined]
        return None
    return ner


@dataclass
class _Candidate:
    id: str
    sources: set[str] = field(default_factory=set)


class EntityLinker:
    """Links question mentions to graph entities through full-text search and the entity vectors."""

    def __init__(
        self,
        *,
        store: GraphStore,
        embed: EmbedFunction,
        index: VectorSearch,
        nlp: Language,
        threshold: float = 0.8,
        margin: float = 0.05,
        candidates: int = 10,
    ) -> None:
        self.store = store
        self.embed = embed
        self.index = index
        self.nlp = nlp
        self.threshold = threshold
        self.margin = margin
        self.candidates = candidates

    def run(self, question: str) -> list[LinkedEntity]:
        """The entities the question names, best first; empty when none scores above the threshold."""
        mentions = self.mentions(question)
        return self.link(mentions, self.embed(mentions)) if mentions else []

    def mentions(self, question: str) -> list[str]:
        """The question's entity mentions (see :func:`find_mentions`)."""
        return find_mentions(self.nlp, question)

    def link(self, mentions: Sequence[str], vectors: np.ndarray) -> list[LinkedEntity]:
        """Link mentions whose vectors are already embedded (one row per mention), merged by entity id."""
        if not mentions:
            return []
        hits = self.index.search(vectors, self.candidates)
        fulltext, rows = self._candidates(mentions, hits)
        stored = self.index.vectors_of(list(rows)) if rows else {}
        linked: dict[str, LinkedEntity] = {}
        for position, (mention, vector, vector_hits) in enumerate(zip(mentions, vectors, hits, strict=True)):
            for entity in self._link(mention, vector, fulltext.get(position, []), vector_hits, rows, stored):
                best = linked.get(entity.id)
                if best is None or entity.score > best.score:
                    if best is not None:
                        entity.sources = sorted(set(entity.sources) | set(best.sources))
                    linked[entity.id] = entity
                else:
                    best.sources = sorted(set(entity.sources) | set(best.sources))
        return sorted(linked.values(), key=lambda e: (-e.score, e.name, e.id))

    def _candidates(
        self, mentions: Sequence[str], hits: Sequence[Sequence[tuple[str, float]]]
    ) -> tuple[dict[int, list[str]], dict[str, Record]]:
        """The full-text hits of each mention (entity ids by position, best first) and the rows of every candidate
        (full-text and vector hits), in one round trip (``retrieval_entity_candidates``)."""
        queries = [{"mention": i, "query": q} for i, q in enumerate(map(terms_query, mentions)) if q]
        ids = list(dict.fromkeys(entity_id for vector_hits in hits for entity_id, _score in vector_hits))
        if not queries and not ids:
            return {}, {}
        found = self.store.query("retrieval_entity_candidates", queries=queries, limit=self.candidates, ids=ids)
        fulltext: dict[int, list[tuple[float, str]]] = {}
        rows: dict[str, Record] = {}
        for row in found:
            rows[row["id"]] = row
            if row["mention"] is not None:
                fulltext.setdefault(row["mention"], []).append((-row["score"], row["id"]))
        return {position: [i for _s, i in sorted(pairs)] for position, pairs in fulltext.items()}, rows

    def _link(
        self,
        mention: str,
        vector: np.ndarray,
        fulltext: Sequence[str],
        vector_hits: Sequence[tuple[str, float]],
        rows: Mapping[str, Record],
        stored: Mapping[str, np.ndarray],
    ) -> list[LinkedEntity]:
        candidates: dict[str, _Candidate] = {}
        for entity_id in fulltext:
            candidates.setdefault(entity_id, _Candidate(entity_id)).sources.add("fulltext")
        for entity_id, _score in vector_hits:
            candidates.setdefault(entity_id, _Candidate(entity_id)).sources.add("vector")
        if not candidates:
            return []
        with_vectors = [entity_id for entity_id in candidates if entity_id in stored and entity_id in rows]
        similarity = dict(zip(with_vectors, _similarities(vector, [stored[i] for i in with_vectors]), strict=True))
        scored: list[LinkedEntity] = []
        for entity_id, candidate in candidates.items():
            if entity_id not in rows:
                continue
            row = rows[entity_id]
            names = {_normal(row["name"]), *(_normal(alias) for alias in row["aliases"])}
            score = similarity.get(entity_id, 0.0)
            sources = set(candidate.sources)
            if _normal(mention) in names:
                score, sources = 1.0, sources | {"exact"}
            scored.append(
                LinkedEntity(
                    id=entity_id,
                    name=row["name"],
                    type=row["type"],
                    score=round(score, 6),
                    mention=mention,
                    sources=sorted(sources),
                )
            )
        if not scored:
            return []
        best = max(entity.score for entity in scored)
        if best < self.threshold:
            return []
        return [entity for entity in scored if entity.score >= max(self.threshold, best - self.margin)]


def _similarities(vector: np.ndarray, stored: Sequence[np.ndarray]) -> list[float]:
    if not stored:
        return []
    return [float(x) for x in np.stack(stored) @ vector.astype(np.float32)]
