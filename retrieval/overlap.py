"""Linking and searching side by side: the one place retrieval runs work in two threads.

The story (:meth:`retrieval.retriever.Retriever.retrieve`) needs, for the expansion, the linked entities and the
candidate passages, each with its neighbourhood in the graph. The two chains are independent but for one bit: the
top passages' neighbourhood takes a second hop only when no entity was linked. So a worker thread embeds the
question, searches passages and builds bridges, waits for that bit, and fetches the top passages' neighbourhood;
meanwhile the calling thread finds the question's mentions (spaCy), links them, hands the bit over, and fetches
the linked entities' neighbourhood. ONNX Runtime, FAISS and the Neo4j driver's waits leave the GIL, so the chains
share the cores. What they find is what :func:`in_turn` finds running the same stages one after the other.

Each chain records its stages' wall times in a dict of its own (merged when both are done), so the stages of one
chain overlap the other's. The worker thread never waits on another pool thread (only on the calling thread), so a
full pool cannot deadlock; and no search outlives its call, even when linking fails.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor, wait

from trellis.kg.graph import Record
from trellis.retrieval.bridging import Bridge
from trellis.retrieval.expansion import TOP_PASSAGES
from trellis.retrieval.stages import Found, QuestionStages
from trellis.retrieval.types import Passage

__all__ = ["in_turn", "link_beside_search"]


def link_beside_search(pool: ThreadPoolExecutor, stages: QuestionStages, timings: dict[str, float]) -> Found:
    """Link in this thread while ``pool`` searches; both chains' stage times are added to ``timings``."""
    linked = _Linked()
    searched: dict[str, float] = {}
    searching = pool.submit(_search_chain, stages, linked, searched)
    linking: dict[str, float] = {}
    try:
        entities = stages.link(linking)
        linked.tell(bool(entities))
        around = stages.around_entities(entities, linking)
    finally:
        linked.tell(False)  # a failed linking still lets the search finish (the first word stands)
        wait([searching])
    candidates, top, near, bridges = searching.result()
    timings |= linking | searched
    return Found(entities, around, candidates, top, near, bridges)


def in_turn(stages: QuestionStages, timings: dict[str, float]) -> Found:
    """What :func:`link_beside_search` finds, one stage after the other in this thread."""
    entities = stages.link(timings)
    around = stages.around_entities(entities, timings)
    candidates, bridges = stages.search_passages(timings)
    top = candidates[:TOP_PASSAGES]
    near = stages.around_passages(top, linked=bool(entities), timings=timings)
    return Found(entities, around, candidates, top, near, bridges)


class _Linked:
    """Whether any entity was linked: told once by the linking thread, awaited by the search chain."""

    def __init__(self) -> None:
        self._told = threading.Event()
        self._any = False

    def tell(self, any_linked: bool) -> None:
        if not self._told.is_set():
            self._any = any_linked
            self._told.set()

    def wait(self) -> bool:
        self._told.wait()
        return self._any


def _search_chain(
    stages: QuestionStages, linked: _Linked, timings: dict[str, float]
) -> tuple[list[Passage], list[Passage], Record, list[Bridge]]:
    candidates, bridges = stages.search_passages(timings)
    top = candidates[:TOP_PASSAGES]
    return candidates, top, stages.around_passages(top, linked=linked.wait(), timings=timings), bridges
