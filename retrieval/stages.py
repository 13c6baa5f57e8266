"""One question's retrieval stages, in the order the story runs them (:meth:`retrieval.retriever.Retriever.retrieve`).

Each stage records its wall time in the ``timings`` it is given; the two chains that run side by side
(:mod:`retrieval.overlap`) are given a dict each, so no dict is written from two threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from trellis.kg.graph import GraphStore, Record
from trellis.retrieval.bridging import Bridge, BridgeSearch, scored
from trellis.retrieval.expansion import Expansion, GraphExpander
from trellis.retrieval.linking import EntityLinker
from trellis.retrieval.ranking import EXCLUDED_PREDICATES, diversify, evidence_scores, rank_facts, rank_passages
from trellis.retrieval.search import PassageSearch, fetch_passages
from trellis.retrieval.sentences import rerank_by_sentence
from trellis.retrieval.types import AnswerOptions, Fact, LinkedEntity, Passage

__all__ = ["DIVERSITY", "HEAD", "SENTENCE_WEIGHT", "Found", "QuestionStages", "timed"]

HEAD = 20
"""How many of the ranked passages are read again by their best sentence before the top k is chosen."""
SENTENCE_WEIGHT = 1.0
"""The weight of a passage's best sentence match when a document's passages are ordered among themselves
(:func:`retrieval.sentences.rerank_by_sentence`)."""
DIVERSITY = 0.5
"""The discount of each further passage of one document in the top k (:func:`retrieval.ranking.diversify`)."""


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Record the block's wall time as ``stage``, in seconds."""
    began = perf_counter()
    try:
        yield
    finally:
        timings[stage] = round(perf_counter() - began, 6)


@dataclass(frozen=True)
class Found:
    """What linking and searching found, each with its neighbourhood in the graph: what the expansion needs."""

    entities: list[LinkedEntity]
    around_entities: Record
    candidates: list[Passage]
    top: list[Passage]
    around_passages: Record
    bridges: list[Bridge]


@dataclass(frozen=True)
class QuestionStages:
    """The stages of retrieval for one question, with the searchers they use."""

    question: str
    options: AnswerOptions
    store: GraphStore
    embed: Callable[[list[str]], np.ndarray]
    linker: EntityLinker
    search: PassageSearch
    bridging: BridgeSearch
    expander: GraphExpander

    def link(self, timings: dict[str, float]) -> list[LinkedEntity]:
        """The question's mentions (spaCy), embedded and linked to graph entities (one Neo4j query)."""
        with timed(timings, "mentions"):
            mentions = self.linker.mentions(self.question)
        with timed(timings, "link"):
            return self.linker.link(mentions, self.embed(mentions)) if mentions else []

    def around_entities(self, entities: list[LinkedEntity], timings: dict[str, float]) -> Record:
        """The linked entities' neighbourhood (:meth:`~retrieval.expansion.GraphExpander.around_entities`)."""
        with timed(timings, "entity_neighbourhood"):
            return self.expander.around_entities(entities)

    def search_passages(self, timings: dict[str, float]) -> tuple[list[Passage], list[Bridge]]:
        """Candidate passages (dense and full-text, fused by RRF) and the bridges from the best of them."""
        with timed(timings, "embed"):
            vector = self.embed([self.question])[0]
        with timed(timings, "search"):
            passages = self.search.run(self.question, vector)
        with timed(timings, "bridge"):
            return passages, self.bridging.run(self.question, passages)

    def around_passages(self, top: list[Passage], *, linked: bool, timings: dict[str, float]) -> Record:
        """The top passages' entities and their relations (a second hop only when nothing was ``linked``)."""
        with timed(timings, "passage_neighbourhood"):
            return self.expander.around_passages(top, linked=linked)

    def expand(self, found: Found, timings: dict[str, float]) -> Expansion:
        """Both neighbourhoods combined: PageRank restarted at the linked entities and the top passages, paths."""
        with timed(timings, "expand"):
            return self.expander.combine(found.entities, found.top, found.around_entities, found.around_passages)

    def rank(self, found: Found, expansion: Expansion, timings: dict[str, float]) -> tuple[list[Fact], list[Passage]]:
        """The facts that bear on the question, and the top k passages: the candidates and the chunks the
        expansion reached, by search score, PageRank and the facts' evidence, then read again by their best
        sentence, with the bridges, one document's further passages discounted."""
        with timed(timings, "rank"):
            question, entities, candidates = self.question, found.entities, found.candidates
            facts = rank_facts(
                expansion.facts,
                expansion.ppr,
                question=question,
                entity_ids={e.id for e in entities},
                limit=self.options.max_facts,
            )
            evidence = evidence_scores(  # the chunks of the facts asked about, chains from the question first
                [f for f in expansion.facts if f.predicate not in EXCLUDED_PREDICATES],
                expansion.ppr,
                question=question,
                entity_names={e.name for e in entities},
            )
            chunk_scores = expansion.chunk_scores()
            ranked = rank_passages(candidates, chunk_scores, k=len(candidates) + len(chunk_scores), evidence=evidence)
            scores = {p.chunk_id: p.score for p in ranked}
            ranked = self._with_text(ranked[: max(2 * self.options.k, HEAD)])
            ranked = rerank_by_sentence(question, ranked, weight=SENTENCE_WEIGHT)
            scores |= {p.chunk_id: p.score for p in ranked}
            return facts, diversify([*ranked, *scored(found.bridges, scores)], k=self.options.k, decay=DIVERSITY)

    def _with_text(self, ranked: list[Passage]) -> list[Passage]:
        """The passages, those the expansion reached (known by id only) read from Neo4j, keeping their scores."""
        missing = fetch_passages(self.store, [p.chunk_id for p in ranked if not p.text])
        return [
            p if p.text else missing[p.chunk_id].model_copy(update={"score": p.score, "ppr": p.ppr})
            for p in ranked
            if p.text or p.chunk_id in missing
        ]
