"""The second hop over prose: a search from the sentences of the first round's best passages that match the
question, for the passages about what those sentences name and the question does not.

"Who wrote the book that shares its title with the 1954 British film given as an example of a traditionally
animated feature?" names neither *Animal Farm* nor its article. The first round finds the Animation article's
sentence naming the film; that sentence, read with the question, finds the novella's article. So, for each of the
first round's best documents, the sentence of its best passage that shares most content words with the question
(the document's title counted in, since a sentence often leaves its subject out) is the *lead*, and two things
follow from it:

- the lead joined to the question is searched again in the full-text index (all leads in one Neo4j round trip;
  a dense search of the joined text found no more on the prose dev split and cost an embedding per lead);
- the documents whose titles the lead names are its *pages* (:mod:`retrieval.pages`), and their passages that
  hold most of what the lead leaves of the question are read.

What either finds outside the lead's own document is a bridge passage, scored by how much of the question the lead
leaves out it holds, times its rank in its search; the ranking multiplies that by the lead's own final score
(:func:`scored`), so a bridge stands beside the first round's passages on their scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trellis.retrieval.pages import PageIndex
from trellis.retrieval.ranking import content_words
from trellis.retrieval.search import PassageSearch, fetch_document_passages
from trellis.retrieval.sentences import best_sentence, sentences
from trellis.retrieval.types import Passage

__all__ = ["Bridge", "BridgeSearch", "Lead", "asked_part", "scored"]

_SOFTENED = 0.5
"""The power of a bridge's strength in its score."""


@dataclass(frozen=True)
class Lead:
    """A first-round passage whose best sentence seeds a second search."""

    passage: Passage
    sentence: str


@dataclass(frozen=True)
class Bridge:
    """A passage the second search found from ``lead``; ``strength`` (0..1) is how far it completes what the
    lead's sentence leaves of the question, times its fused score over the best of its search."""

    passage: Passage
    lead: str
    strength: float


class BridgeSearch:
    """Second-round search from the first round's best passages (see the module's docstring)."""

    def __init__(
        self,
        search: PassageSearch,
        *,
        pages: PageIndex | None = None,
        leads: int = 3,
        per_lead: int = 3,
        per_page: int = 2,
        floor: float = 0.15,
        max_pages: int = 6,
    ) -> None:
        self.search = search
        self.pages = pages
        self.per_page = per_page
        self.max_pages = max_pages
        self.leads = leads
        self.per_lead = per_lead
        self.floor = floor

    def leads_of(self, question: str, ranked: Sequence[Passage]) -> list[Lead]:
        """The best passage of each of the first ``leads`` documents of ``ranked``, with its best sentence."""
        words = content_words(question)
        leads: list[Lead] = []
        seen: set[str] = set()
        for passage in ranked:
            if passage.document_id in seen or not passage.text:
                continue
            seen.add(passage.document_id)
            sentence, _share = best_sentence(words, passage)
            if sentence:
                leads.append(Lead(passage, sentence))
            if len(seen) >= self.leads:
                break
        return leads

    def run(self, question: str, ranked: Sequence[Passage]) -> list[Bridge]:
        """For each lead of ``ranked``, the best ``per_lead`` passages of its second search that lie outside the
        leads' documents. A bridge passage's strength is the share of the question's content words, among those
        the lead's sentence and title leave out, that it holds (at least ``floor``), times its fused score over
        the best one of that search: a passage that only repeats what the lead already says is no second hop."""
        leads = self.leads_of(question, ranked)
        if not leads:
            return []
        queries = [f"{lead.sentence} {question}" for lead in leads]
        words = content_words(asked_part(question))
        rests = [words - content_words(lead.sentence) - content_words(lead.passage.title or "") for lead in leads]
        bridges = []
        for lead, rest, found in zip(leads, rests, self.search.fulltext_many(queries), strict=True):
            results = [p for p in found if p.document_id != lead.passage.document_id]
            top = max((p.score for p in results), default=0.0)
            for passage in results[: self.per_lead]:
                strength = self._completes(rest, passage) * passage.score / top
                bridges.append(Bridge(passage, lead.passage.chunk_id, strength))
        return bridges + self._pages(leads, rests)

    def _completes(self, rest: set[str], passage: Passage) -> float:
        """The share of ``rest`` (question words a lead leaves out) the passage or its title holds, at least
        ``floor``."""
        covered = len(rest & (content_words(passage.text) | content_words(passage.title or "")))
        return max(covered / len(rest) if rest else 0.0, self.floor)

    def _pages(self, leads: Sequence[Lead], rests: Sequence[set[str]]) -> list[Bridge]:
        """The best ``per_page`` passages of the pages each lead's sentence names (other than the lead's own),
        by how much of the lead's ``rest`` they hold; a page's opening passage wins ties."""
        if self.pages is None:
            return []
        named: dict[str, tuple[Lead, set[str]]] = {}
        for lead, rest in zip(leads, rests, strict=True):
            for document in self.pages.named_in(lead.sentence):
                if document != lead.passage.document_id and document not in named and len(named) < self.max_pages:
                    named[document] = (lead, rest)
        if not named:
            return []
        by_document: dict[str, list[Passage]] = {}
        for passage in fetch_document_passages(self.search.store, list(named)):
            by_document.setdefault(passage.document_id, []).append(passage)
        bridges = []
        for document, passages in by_document.items():
            lead, rest = named[document]
            best = sorted(passages, key=lambda p: (-self._completes(rest, p), p.index or 0))[: self.per_page]
            bridges += [Bridge(p, lead.passage.chunk_id, self._completes(rest, p)) for p in best]
        return bridges


def asked_part(question: str) -> str:
    """The sentence of a question that asks (its last), when it first describes what it asks about in others:
    "...and one other European country. What is that other country's capital?" asks "capital"."""
    parts = sentences(question)
    return parts[-1] if len(parts) > 1 else question


def scored(bridges: Sequence[Bridge], scores: Mapping[str, float]) -> list[Passage]:
    """The bridge passages, each scored its lead's final score (``scores`` by chunk id) times the square root of
    its strength: a passage that completes half of what its lead leaves of the question is the second hop's best
    evidence, and should not rank below the lead's own document's weaker passages."""
    return [
        b.passage.model_copy(update={"score": round(scores.get(b.lead, 0.0) * b.strength**_SOFTENED, 6)})
        for b in bridges
    ]
