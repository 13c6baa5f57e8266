"""One ranking of passages and of facts, from the dense, full-text and personalized PageRank signals.

Passages: a weighted sum of the dense cosine, the full-text score and the chunk's PageRank (each of the last two
divided by the best of its kind), so a chunk that only the graph reached competes with the ones search found;
scores, not ranks, so a passage that one signal finds far better than the rest keeps that lead. A chunk that is
the evidence of a ranked fact also gets that fact's score (:func:`evidence_scores`): PageRank lifts every chunk
near the question's entities alike, the facts say which of them hold a relation the question asks about (the
second hop of "the population of the capital of Albania" is the chunk behind ``HAS_POPULATION``).

Facts: how well the relation (its canonical type, or the phrase the text used) matches the question's words, whether
the fact touches a question entity, and the PageRank of its two ends.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from trellis.retrieval.types import Fact, Passage

__all__ = [
    "EXCLUDED_PREDICATES",
    "asked_share",
    "content_words",
    "diversify",
    "evidence_scores",
    "rank_facts",
    "rank_passages",
    "stem",
    "word_matches",
    "words",
]

EXCLUDED_PREDICATES = ("CO_OCCURS_WITH",)
"""Predicates that help PageRank but say nothing: left out of ranked facts and of the evidence they lend."""

_WORD = re.compile(r"\w+", re.UNICODE)
_SUFFIXES = ("ing", "ed", "es", "s")


def stem(word: str) -> str:
    """``word`` without one of a few endings ("-ing", "-ed", "-es", "-s") when three letters are left."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """The lower-cased words of ``text``, in order."""
    return [match.lower() for match in _WORD.findall(text)]


def content_words(text: str) -> set[str]:
    """The lower-cased, lightly stemmed words of ``text`` that are not stop words."""
    return {stem(w) for w in words(text) if w not in STOP_WORDS and w.strip("_")}


def word_matches(words: Collection[str], text: str) -> float:
    """The share of ``words`` (content words) found among the content words of ``text``; 0.0 when none given."""
    if not words:
        return 0.0
    found = content_words(text)
    return sum(1 for word in words if word in found) / len(words)


def evidence_scores(
    facts: Sequence[Fact],
    ppr: Mapping[str, float],
    *,
    question: str,
    entity_names: Collection[str] = (),
    hops: int = 2,
    decay: float = 0.9,
    loose: float = 0.5,
) -> dict[str, float]:
    """Each evidence chunk of a fact the question asks about (its predicate's words are the question's), scored
    0..1: the chunk behind ``HAS_POPULATION`` of the capital, not every chunk near the country.

    A fact on a *chain* from the question's entities (``entity_names``; by name, so that entities of one name that
    the NER model typed differently are one) through asked-about facts scores its predicate match times ``decay``
    per hop: "the population of the capital of Afghanistan" reaches Kabul by ``CAPITAL_OF``,
    then Kabul's ``HAS_POPULATION`` (the second hop, whose chunk shares no name with the question). Any other
    asked-about fact scores ``loose`` times its match times its PageRank (its two ends, divided by the best such
    fact's). Facts the question does not ask about give nothing, however close they are.
    """
    words = content_words(question)
    relevance = {(f.predicate, f.phrase): asked_share(f, words) for f in facts}
    asked = [f for f in facts if relevance[f.predicate, f.phrase] > 0]
    fact_scores = dict.fromkeys(map(id, asked), 0.0)
    centrality = {id(f): ppr.get(f.subject_id, 0.0) + ppr.get(f.object_id, 0.0) for f in asked}
    top = max(centrality.values(), default=0.0)
    if top > 0:
        for fact in asked:
            fact_scores[id(fact)] = loose * relevance[fact.predicate, fact.phrase] * centrality[id(fact)] / top
    reached = dict.fromkeys((name.casefold() for name in entity_names), 1.0)
    for hop in range(hops):
        further: dict[str, float] = {}
        for fact in asked:
            subject, object_ = fact.subject.casefold(), fact.object.casefold()
            for near, far in ((subject, object_), (object_, subject)):
                if near not in reached:
                    continue
                score = reached[near] * decay**hop * relevance[fact.predicate, fact.phrase]
                if score > fact_scores[id(fact)]:
                    fact_scores[id(fact)] = score
                if far not in reached:
                    further[far] = max(further.get(far, 0.0), score)
        reached |= further
    scores: dict[str, float] = {}
    for fact in asked:
        for evidence in fact.evidence:
            scores[evidence.chunk_id] = max(scores.get(evidence.chunk_id, 0.0), fact_scores[id(fact)])
    return {chunk: score for chunk, score in scores.items() if score > 0}


@lru_cache(maxsize=4096)
def _predicate_words(predicate: str) -> frozenset[str]:
    """The content words of a predicate (``CAPITAL_OF`` -> {"capital"}); a graph holds few predicates."""
    return frozenset(content_words(predicate.replace("_", " ")))


def _predicate_match(predicate: str, words: Collection[str]) -> float:
    """The share of a predicate's content words that the question uses."""
    own = _predicate_words(predicate)
    return sum(1 for w in own if w in words) / len(own) if own else 0.0


def asked_share(fact: Fact, words: Collection[str]) -> float:
    """How much the question (its content ``words``) asks about ``fact``'s relation: the share of the relation's
    words it uses, by its canonical type or by the phrase the text used, whichever matches better. "On which
    continent is the country whose capital is Kabul?" asks about ``LOCATED_IN`` said as "country in"; the
    towns' ``LOCATED_IN`` said as "city in" it does not ask about."""
    by_type = _predicate_match(fact.predicate, words)
    return max(by_type, _predicate_match(fact.phrase, words)) if fact.phrase else by_type


def rank_passages(
    candidates: Sequence[Passage],
    ppr: Mapping[str, float],
    *,
    k: int,
    weights: tuple[float, float, float] = (0.4, 0.3, 0.3),
    evidence: Mapping[str, float] | None = None,
    evidence_weight: float = 0.5,
) -> list[Passage]:
    """The ``k`` best passages by a weighted sum of dense cosine, full-text and PageRank scores, plus
    ``evidence_weight`` times the score of the best ranked fact the passage is evidence of (``evidence``).

    Full-text and PageRank scores are divided by the best of their kind (0..1); a signal that did not find a
    passage gives it 0. ``ppr`` holds the PageRank of chunks the graph reached; a chunk only it reached joins as
    a passage without text (fetch it before use). Ties break on chunk id, so the order is deterministic.
    """
    by_id = {p.chunk_id: p for p in candidates}
    supports = evidence or {}
    top_ppr = max(ppr.values(), default=0.0)
    top_text = max((p.fulltext or 0.0 for p in candidates), default=0.0)
    ids = list(dict.fromkeys([*by_id, *(c for c, v in ppr.items() if v > 0)]))
    ranked = []
    for chunk_id in ids:
        passage = by_id.get(chunk_id) or Passage(chunk_id=chunk_id, document_id="")
        graph = ppr[chunk_id] / top_ppr if chunk_id in ppr and top_ppr > 0 else None
        text = (passage.fulltext or 0.0) / top_text if top_text > 0 else 0.0
        score = weights[0] * max(passage.dense or 0.0, 0.0) + weights[1] * text + weights[2] * (graph or 0.0)
        score += evidence_weight * supports.get(chunk_id, 0.0)
        ranked.append(passage.model_copy(update={"score": round(score, 6), "ppr": graph}))
    ranked.sort(key=lambda p: (-p.score, p.chunk_id))
    return ranked[:k]


def rank_facts(
    facts: Sequence[Fact],
    ppr: Mapping[str, float],
    *,
    question: str,
    entity_ids: Collection[str],
    limit: int,
    exclude: Collection[str] = EXCLUDED_PREDICATES,
) -> list[Fact]:
    """The ``limit`` best facts, each scored 0..1: predicate-question match, touching a question entity, PageRank.

    Predicates in ``exclude`` (co-occurrence by default) are left out: they helped PageRank but say nothing.
    """
    words = content_words(question)
    top = max((ppr.get(f.subject_id, 0.0) + ppr.get(f.object_id, 0.0) for f in facts), default=0.0)
    asked = set(entity_ids)
    scored: list[tuple[float, Fact]] = []
    for fact in facts:
        if fact.predicate in exclude:
            continue
        relevance = asked_share(fact, words)
        touches = 1.0 if fact.subject_id in asked or fact.object_id in asked else 0.0
        centrality = (ppr.get(fact.subject_id, 0.0) + ppr.get(fact.object_id, 0.0)) / top if top > 0 else 0.0
        score = (0.5 * relevance + 0.3 * touches + 0.2 * centrality) * (0.5 + 0.5 * fact.confidence)
        scored.append((round(score, 6), fact))
    scored.sort(key=lambda item: (-item[0], item[1].subject, item[1].predicate, item[1].object))
    return [fact.model_copy(update={"score": score}) for score, fact in scored[:limit]]


def diversify(passages: Sequence[Passage], *, k: int, decay: float = 0.5) -> list[Passage]:
    """The ``k`` passages taken greedily by score, each discounted by ``decay`` for every passage of its document
    already taken: per-document diversity, so that one long article cannot fill the top k and crowd out the second
    document a question needs. The same chunk twice is kept once, at its best score; the scores returned are the
    passages' own, the order is the discounted one."""
    best: dict[str, Passage] = {}
    for passage in passages:
        if passage.chunk_id not in best or best[passage.chunk_id].score < passage.score:
            best[passage.chunk_id] = passage
    pool = sorted(best.values(), key=lambda p: (-p.score, p.chunk_id))
    taken: list[Passage] = []
    per_document: dict[str, int] = {}
    while pool and len(taken) < k:
        position = max(
            range(len(pool)),
            key=lambda i: (pool[i].score * decay ** per_document.get(pool[i].document_id, 0), -i),
        )
        passage = pool.pop(position)
        per_document[passage.document_id] = per_document.get(passage.document_id, 0) + 1
        taken.append(passage)
    return taken
