"""The one entry point: ``answer(question)``. It reads as the retrieval story, top to bottom:

link entities -> search passages (dense + full-text, RRF) -> expand the graph (PPR, paths) -> rank passages and
facts -> build the cited context -> check the context can answer (the gate) -> generate. :class:`Retriever` holds
the models, the store and the indexes; :func:`retrieve` and :func:`answer` use a process-wide one built from the
settings unless given one. :meth:`Retriever.stream_answer` yields the answer's text as it is generated.
"""

from __future__ import annotations

import atexit
import gc
import logging
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from time import perf_counter
from typing import Self

from trellis.kg.graph import GraphStore
from trellis.kg.ingest.extraction import load_pipeline
from trellis.kg.lock import index_generation
from trellis.kg.settings import Settings, get_settings
from trellis.kg.vectors import Embedder, open_vector_search
from trellis.retrieval.bridging import BridgeSearch
from trellis.retrieval.context import build_context
from trellis.retrieval.errors import SnapshotTooLargeError
from trellis.retrieval.expansion import GraphExpander
from trellis.retrieval.generators import (
    AnswerabilityGate,
    ExtractiveGenerator,
    Generation,
    Generator,
    StreamingGenerator,
    make_generator,
)
from trellis.retrieval.linking import EntityLinker
from trellis.retrieval.overlap import link_beside_search
from trellis.retrieval.pages import PageIndex
from trellis.retrieval.questions import clean_question
from trellis.retrieval.search import PassageSearch
from trellis.retrieval.snapshot import GraphSnapshot
from trellis.retrieval.stages import QuestionStages, timed
from trellis.retrieval.subgraph import used_subgraph
from trellis.retrieval.types import Answer, AnswerOptions, Context, LinkedEntity, Retrieval

__all__ = ["Retriever", "answer", "retrieve"]

logger = logging.getLogger(__name__)

_UNREAD = object()
"""The generation of a snapshot not read yet."""


class Retriever:
    """Answers questions from the graph and the vector indexes named by the settings."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: GraphStore,
        embedder: Embedder | None = None,
        generator: Generator | None = None,
        gate: AnswerabilityGate | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder or Embedder(settings)
        self.nlp = load_pipeline(settings.spacy_model)
        self.generator: Generator = generator or ExtractiveGenerator(nlp=self.nlp)
        if isinstance(self.generator, ExtractiveGenerator) and self.generator.embed is None:
            self.generator.embed = self.embedder.embed  # sentences matched by meaning too
        support = ExtractiveGenerator(nlp=self.nlp, embed=self.embedder.embed, read_slots=False)  # its score only
        self.gate = gate or AnswerabilityGate(support=support)
        self._owns_store = False
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="trellis-link")
        self._refresh = threading.Lock()
        self._snapshot: GraphSnapshot | None = None
        self._generation = index_generation(settings, store)
        self._snapshot_generation: object = _UNREAD
        self._snapshot_lock = threading.Lock()
        self._reading: threading.Thread | None = None
        self._frozen = False  # the models and the first snapshot, once (_freeze_long_lived)
        self.reloads = 0  # times the indexes were read (once at start, then once per write seen)
        self.reload_indexes()

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """A retriever with its own store (closed by :meth:`close`), embedder and the generator the settings name."""
        generator = make_generator(settings)
        retriever = cls(settings, store=GraphStore(settings), generator=generator)
        retriever._owns_store = True
        return retriever

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the linking threads; close the store when this retriever opened it (a store passed in stays open)."""
        self._pool.shutdown(wait=True)
        gc.unfreeze()  # what was frozen is collected again (at exit, too)
        if self._owns_store:
            self.store.close()

    def reload_indexes(self, *, unless_current: bool = False) -> None:
        """Read the vector indexes again (after an ingest changed them); the graph snapshot is read again on the
        next question. ``unless_current``: nothing is read when another thread caught up with the latest write
        while this one waited for the lock (questions that all see a write reload once, not once each)."""
        with self._refresh:
            if unless_current and self._generation == index_generation(self.settings, self.store):
                return
            self._generation = index_generation(self.settings, self.store)
            self.chunk_index, self.entity_index = open_vector_search(self.settings, self.store)
            self.pages = PageIndex.load(self.store)
            self._snapshot, self._snapshot_generation = None, _UNREAD
            self.reloads += 1

    def snapshot(self, *, wait: bool = True) -> GraphSnapshot | None:
        """The graph snapshot the expansion reads, read again when a write (in any process) has moved the index
        generation since; None when snapshots are off or the graph is past ``graph_snapshot_max_rows`` (the
        expansion then queries Neo4j). Without ``wait``, a snapshot not read yet is read in the background and
        None is returned meanwhile (questions do not wait the seconds it takes at 10k chunks)."""
        if not self.settings.graph_snapshot:
            return None
        generation = index_generation(self.settings, self.store)
        if generation != self._generation:
            self.reload_indexes(unless_current=True)
        if self._snapshot_generation == generation:
            return self._snapshot
        if wait:
            return self._read_snapshot(generation)
        if self._reading is None or not self._reading.is_alive():
            self._reading = threading.Thread(
                target=self._read_in_background, args=(generation,), name="trellis-snapshot", daemon=True
            )
            self._reading.start()
        return None

    def _read_snapshot(self, generation: object) -> GraphSnapshot | None:
        with self._snapshot_lock:
            if self._snapshot_generation != generation:
                self._snapshot = None  # the old one freed before the new one is read
                try:
                    self._snapshot = GraphSnapshot.load(self.store, limit=self.settings.graph_snapshot_max_rows)
                except SnapshotTooLargeError as exc:
                    logger.warning("no graph snapshot (%s): the expansion reads Neo4j", exc)
                self._snapshot_generation = generation
                if self._frozen:  # later snapshots: one young collection stops tracking their tuples (docstring)
                    gc.collect(0)
                else:
                    _freeze_long_lived()
                    self._frozen = True
            return self._snapshot

    def _read_in_background(self, generation: object) -> None:
        try:
            self._read_snapshot(generation)
        except Exception as exc:  # Neo4j down or the store closed: the next question tries again
            logger.warning("reading the graph snapshot failed: %s", exc)

    def retrieve(self, question: str, *, options: AnswerOptions | None = None) -> Retrieval:
        """Linked entities, ranked passages and facts, paths and timings for the question.

        The story: link the question's entities and fetch their neighbourhood; search passages (dense and
        full-text, fused by RRF, then bridges) and fetch the top ones' neighbourhood; expand the graph from both
        (PageRank, paths); rank facts and passages; keep the subgraph they use. Linking and searching run side by
        side (:mod:`retrieval.overlap`: what they find is what running them in turn finds); each stage's time is
        its own wall time, so the stages of one chain overlap the other's.
        """
        options = options or AnswerOptions()
        stages = self._stages(clean_question(question, max_chars=options.max_question_chars), options)
        timings: dict[str, float] = {}
        found = link_beside_search(self._pool, stages, timings)
        expansion = stages.expand(found, timings)
        facts, passages = stages.rank(found, expansion, timings)
        return Retrieval(
            question=stages.question,
            entities=found.entities,
            passages=passages,
            facts=facts,
            paths=expansion.paths,
            subgraph=used_subgraph(found.entities, passages, facts, expansion),
            timings=timings,
        )

    def _stages(self, question: str, options: AnswerOptions) -> QuestionStages:
        """The question's stages over the indexes as they are now. The expansion reads the graph snapshot once it
        is read, Neo4j until then (after a write the snapshot is read in the background, so no question waits the
        seconds it takes; both give the same neighbourhoods, tests/retrieval/test_snapshot.py)."""
        search = PassageSearch(store=self.store, index=self.chunk_index, candidates=max(20, options.k * 3))
        return QuestionStages(
            question=question,
            options=options,
            store=self.store,
            embed=self.embedder.embed,
            linker=EntityLinker(store=self.store, embed=self.embedder.embed, index=self.entity_index, nlp=self.nlp),
            search=search,
            bridging=BridgeSearch(search, pages=self.pages),
            expander=GraphExpander(self.store, hops=options.hops, snapshot=self.snapshot(wait=False)),
        )

    def _context(self, question: str, options: AnswerOptions) -> tuple[Retrieval, Context, dict[str, float]]:
        found = self.retrieve(question, options=options)
        timings = dict(found.timings)
        with timed(timings, "context"):
            # a language model's window bounds the context too (the extractive generator has none)
            room: int = getattr(self.generator, "context_tokens", options.token_budget)
            context = build_context(
                found.question,
                found.passages,
                found.facts,
                token_budget=min(options.token_budget, room),
                count_tokens=self.embedder.count_tokens,
            )
        return found, context, timings

    def answer(self, question: str, options: AnswerOptions | None = None) -> Answer:
        """A cited answer, or a plain "not in the graph" when the graph does not hold one."""
        options = options or AnswerOptions()
        began = perf_counter()
        found, context, timings = self._context(question, options)
        with timed(timings, "generate"):
            generation = self.generate(found.question, context, entities=found.entities)
        timings["total"] = round(perf_counter() - began, 6)
        return self._answer(found, context, generation, timings)

    def generate(self, question: str, context: Context, *, entities: Sequence[LinkedEntity] = ()) -> Generation:
        """The generator's answer, behind the answerability gate (the extractive generator is its own gate)."""
        if not isinstance(self.generator, ExtractiveGenerator):
            gated = self.gate.check(question, context, entities=entities)
            if gated is not None:
                return gated
        return self.generator.generate(question, context, entities=entities)

    def stream_answer(self, question: str, options: AnswerOptions | None = None) -> Iterator[str | Answer]:
        """The answer's text in pieces as the generator produces them, then the final :class:`Answer`.

        A generator that cannot stream yields its whole text once. The final answer's text is the one to keep: it
        can differ from the pieces (citation marks added, an abstention normalised to "not in the graph").
        """
        options = options or AnswerOptions()
        began = perf_counter()
        found, context, timings = self._context(question, options)
        generating = perf_counter()
        generation: Generation | None = (
            None
            if isinstance(self.generator, ExtractiveGenerator)
            else self.gate.check(found.question, context, entities=found.entities)
        )
        if generation is not None:
            yield generation.text
        elif isinstance(self.generator, StreamingGenerator):
            pieces: list[str] = []
            for piece in self.generator.stream(found.question, context, entities=found.entities):
                pieces.append(piece)
                yield piece
            generation = self.generator.finish("".join(pieces), context)
        else:
            generation = self.generator.generate(found.question, context, entities=found.entities)
            yield generation.text
        timings["generate"] = round(perf_counter() - generating, 6)
        timings["total"] = round(perf_counter() - began, 6)
        yield self._answer(found, context, generation, timings)

    def _answer(self, found: Retrieval, context: Context, generation: Generation, timings: dict[str, float]) -> Answer:
        cited = [c for c in context.citations if c.number in set(generation.citations)]
        return Answer(
            question=found.question,
            text=generation.text,
            answerable=generation.answerable,
            model=self.generator.name,
            span=generation.span,
            citations=cited,
            chunk_ids=list(dict.fromkeys(c.chunk_id for c in cited)),
            document_ids=list(dict.fromkeys(c.document_id for c in cited if c.document_id)),
            relations=generation.facts,
            subgraph=found.subgraph,
            entities=found.entities,
            timings=timings,
            score=generation.score,
            context=context.text,
        )


def _freeze_long_lived() -> None:
    """Move every object alive now (the models, the indexes, the first graph snapshot) out of the cyclic garbage
    collector's reach. A full collection would otherwise walk them all, a pause that falls
    inside a question now and then (figures in docs/benchmarks.md). Freed objects are still freed by reference
    counting; :meth:`Retriever.close`, or the interpreter's exit, unfreezes them (frozen objects of native
    extensions would otherwise be reported as leaked at exit).

    Done once: a frozen object that later becomes part of unreachable cycles is never collected, so freezing again
    after every write (as this did) kept the cycles of every request in flight at that moment, a leak that grew
    with the writes. Later snapshots need no freezing: they are made of tuples, strings and numbers
    (:class:`~retrieval.neighbourhood.Adjacency`), which the collector stops tracking after one young collection,
    all but one object per relation."""
    gc.collect()
    gc.freeze()
    _unfreeze_at_exit()


@lru_cache(maxsize=1)
def _unfreeze_at_exit() -> None:
    atexit.register(gc.unfreeze)


@lru_cache(maxsize=1)
def _default_retriever() -> Retriever:
    return Retriever.from_settings(get_settings())


def retrieve(
    question: str, k: int = 6, *, options: AnswerOptions | None = None, retriever: Retriever | None = None
) -> Retrieval:
    """Retrieve for ``question`` with ``retriever`` (default: one built from the process settings)."""
    options = (options or AnswerOptions()).model_copy(update={"k": k})
    return (retriever or _default_retriever()).retrieve(question, options=options)


def answer(question: str, options: AnswerOptions | None = None, *, retriever: Retriever | None = None) -> Answer:
    """Answer ``question`` with ``retriever`` (default: one built from the process settings)."""
    return (retriever or _default_retriever()).answer(question, options)
