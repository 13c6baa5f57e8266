"""Relations read from a sentence's dependency parse, between the entity spans found in it.

Each pattern names a predicate and both ends; an end must be (part of) an entity span, so a relation never
points at a plain noun. The patterns, with what they make of an example:

- verb and object: "Bill Gates founded Microsoft" -> (Bill Gates)-[:FOUNDED]->(Microsoft); a particle joins
  the verb ("set up").
- passive with agent, turned active: "Microsoft was founded by Bill Gates" ->
  (Bill Gates)-[:FOUNDED]->(Microsoft).
- verb and preposition: "Lincoln was born in Hodgenville" -> BORN_IN, "Kabul is located in Afghanistan" ->
  LOCATED_IN, "Rand moved to New York City" -> MOVED_TO.
- relational noun with an "of"-argument (a preposition or a possessive) and the entity it describes (the other
  side of a copula, or an apposition): "Tirana is the capital of Albania", "Tirana, the capital of Albania,
  ...", "Albania's capital is Tirana", "The capital of Albania is Tirana" ->
  (Tirana)-[:CAPITAL_OF]->(Albania); a value on the other side turns it round: "The population of Tirana is
  374,801" -> (Tirana)-[:HAS_POPULATION]->(374,801).
- two locations in apposition: "Hodgenville, Kentucky" -> (Hodgenville)-[:LOCATED_IN]->(Kentucky), less sure.

Subjects and objects spread over conjunctions ("Gates and Allen founded ..."); relative pronouns and
participle clauses point back at their noun ("Gates, who founded Microsoft", "Microsoft, founded by Gates"); a
negated verb gives nothing; a date or a number is never a subject. Nearby entity pairs of a sentence that no
typed relation links get ``CO_OCCURS_WITH``, with low confidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from spacy.tokens import Span, Token

from trellis.kg.ingest.extraction.labels import LITERAL_TYPES, entity_type
from trellis.kg.ingest.extraction.predicates import noun_predicate, verb_predicate

__all__ = [
    "CONFIDENCE",
    "CO_OCCURRENCE_WINDOW",
    "CO_OCCURS_WITH",
    "Triple",
    "co_occurrences",
    "find_relations",
]

CO_OCCURS_WITH = "CO_OCCURS_WITH"
CO_OCCURRENCE_WINDOW = 3
"""How many following entities of its sentence each entity is paired with by ``CO_OCCURS_WITH``."""

CONFIDENCE: dict[str, float] = {
    "verb_object": 0.8,
    "passive_agent": 0.8,
    "relational_noun": 0.8,
    "verb_preposition": 0.7,
    "location_apposition": 0.5,
    "co_occurrence": 0.3,
}
"""How far each pattern is trusted; the graph keeps the highest confidence a relation was found with."""

_COPULAS = frozenset({"be", "become", "remain"})
_RELATIVE_PRONOUN_TAGS = frozenset({"WP", "WDT"})
_PAST_TAGS = frozenset({"VBD", "VBN"})
_DATE = "Date"


@dataclass(frozen=True)
class Triple:
    """One relation between two entity spans of the same sentence."""

    subject: Span
    predicate: str
    object: Span
    confidence: float


def find_relations(sentence: Span, entities: Mapping[int, Span]) -> list[Triple]:
    """The typed relations in ``sentence``; ``entities`` maps the index of each entity token to its span."""
    found: list[Triple] = []
    for token in sentence:
        if token.pos_ == "VERB" and token.lemma_ not in _COPULAS:
            found.extend(_verb_relations(token, entities))
        elif token.pos_ == "NOUN" and token.i not in entities:
            found.extend(_noun_relations(token, entities))
        if token.dep_ == "appos":
            found.extend(_location_apposition(token, entities))
    return _best(triple for triple in found if _acceptable(triple))


def co_occurrences(sentence: Span, entities: Mapping[int, Span], typed: Iterable[Triple]) -> list[Triple]:
    """``CO_OCCURS_WITH`` between nearby entities of ``sentence`` that no typed relation links, in order.

    Each entity pairs with the next :data:`CO_OCCURRENCE_WINDOW` entities only, so a long list ("member of
    the UN, NATO, the OSCE, ...") does not tie every item to every other. Dates and quantities are left out:
    co-occurring with a number says nothing about a thing.
    """
    linked = {frozenset((t.subject.text, t.object.text)) for t in typed}
    spans: list[Span] = []
    for token in sentence:
        span = entities.get(token.i)
        if span is not None and span.start == token.i and entity_type(span.label_) not in LITERAL_TYPES:
            spans.append(span)
    pairs: list[Triple] = []
    seen: set[frozenset[str]] = set()
    for i, first in enumerate(spans):
        for second in spans[i + 1 : i + 1 + CO_OCCURRENCE_WINDOW]:
            key = frozenset((first.text, second.text))
            if len(key) == 2 and key not in linked and key not in seen:
                seen.add(key)
                pairs.append(Triple(first, CO_OCCURS_WITH, second, CONFIDENCE["co_occurrence"]))
    return pairs


def _entities_of(token: Token, entities: Mapping[int, Span]) -> list[Span]:
    """The entity spans covering ``token`` and its conjuncts ("Gates and Allen")."""
    spans = [entities[t.i] for t in (token, *token.conjuncts) if t.i in entities]
    return list({(s.start, s.end): s for s in spans}.values())


def _pobj_entities(preposition: Token, entities: Mapping[int, Span]) -> list[Span]:
    return [span for child in preposition.children if child.dep_ == "pobj" for span in _entities_of(child, entities)]


def _antecedent(token: Token, verb: Token) -> Token:
    """A relative pronoun ("who", "which") stands for the noun its clause hangs on."""
    if token.tag_ in _RELATIVE_PRONOUN_TAGS and verb.dep_ == "relcl":
        return verb.head
    return token


def _subjects(verb: Token, entities: Mapping[int, Span]) -> list[Span]:
    children = [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")]
    if children:
        return [span for child in children for span in _entities_of(_antecedent(child, verb), entities)]
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):  # "born in X and died in Y"
        return _subjects(verb.head, entities)
    if verb.dep_ == "acl":  # "Microsoft, founded by ..."
        return _entities_of(verb.head, entities)
    return []


def _verb_relations(verb: Token, entities: Mapping[int, Span]) -> Iterator[Triple]:
    children = list(verb.children)
    if any(child.dep_ == "neg" for child in children):
        return
    subjects = _subjects(verb, entities)
    if not subjects:
        return
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in children) or (verb.dep_ == "acl" and verb.tag_ == "VBN")
    particle = " ".join(child.lower_ for child in children if child.dep_ == "prt")
    surface = verb.text if verb.tag_ in _PAST_TAGS else ""
    active = verb_predicate(verb.lemma_, particle=particle, surface=surface)
    for child in children:
        if child.dep_ == "dobj" and not passive:
            for obj in _entities_of(_antecedent(child, verb), entities):
                for subject in subjects:
                    yield Triple(subject, active, obj, CONFIDENCE["verb_object"])
        elif child.dep_ == "agent" and passive:
            for agent in _pobj_entities(child, entities):
                for subject in subjects:
                    yield Triple(agent, active, subject, CONFIDENCE["passive_agent"])
        elif child.dep_ == "prep":
            predicate = verb_predicate(
                verb.lemma_, particle=particle, preposition=child.lower_, passive=passive, surface=surface
            )
            acted_on = [c for c in children if c.dep_ == "dobj"] if not passive else []
            for obj in _pobj_entities(child, entities):
                for subject in subjects:
                    yield Triple(subject, predicate, obj, CONFIDENCE["verb_preposition"])
                if acted_on and entity_type(obj.label_) == _DATE:
                    yield from _dated_objects(verb, particle, child, obj, acted_on, entities)


def _dated_objects(
    verb: Token, particle: str, preposition: Token, value: Span, objects: list[Token], entities: Mapping[int, Span]
) -> Iterator[Triple]:
    """The date of an act dates what was acted on: "Gates founded Microsoft in 1975" -> (Microsoft)-[:FOUNDED_IN]->
    (1975), as "Microsoft was founded in 1975" says. A number is left alone: "by 30%" counts no object."""
    predicate = verb_predicate(verb.lemma_, particle=particle, preposition=preposition.lower_, passive=True)
    for child in objects:
        for obj in _entities_of(_antecedent(child, verb), entities):
            yield Triple(obj, predicate, value, CONFIDENCE["verb_preposition"])


def _noun_arguments(noun: Token, entities: Mapping[int, Span]) -> list[tuple[str, Span]]:
    """What a relational noun is "of": ``("of", Albania)`` for "capital of Albania", "Albania's capital"."""
    arguments: list[tuple[str, Span]] = []
    for child in noun.children:
        if child.dep_ == "poss":
            arguments.extend(("of", span) for span in _entities_of(child, entities))
        elif child.dep_ == "prep":
            arguments.extend((child.lower_, span) for span in _pobj_entities(child, entities))
    return arguments


def _described(noun: Token, entities: Mapping[int, Span]) -> list[Span]:
    """The entities a noun describes: across a copula, or in apposition."""
    head = noun.head
    described: list[Span] = []
    if head.lemma_ in _COPULAS and noun.dep_ in ("attr", "nsubj"):
        # the parser sometimes reads a name after "is" as an adjective: "The capital of Angola is Luanda" (acomp)
        others = ("nsubj",) if noun.dep_ == "attr" else ("attr", "acomp")
        for child in head.children:
            if child.dep_ in others:
                described.extend(_entities_of(child, entities))
    elif noun.dep_ == "appos":
        described.extend(_entities_of(head, entities))
    elif noun.dep_ == "conj" and head.pos_ == "NOUN":  # "the capital and largest city of Angola"
        described.extend(_described(head, entities))
    for child in noun.children:
        if child.dep_ == "appos":
            described.extend(_entities_of(child, entities))
    return described


def _noun_relations(noun: Token, entities: Mapping[int, Span]) -> Iterator[Triple]:
    arguments = _noun_arguments(noun, entities)
    if not arguments:  # a conjunct may carry the argument for both: "the capital and largest city of Angola"
        arguments = [arg for conjunct in noun.conjuncts for arg in _noun_arguments(conjunct, entities)]
    if not arguments:
        return
    modifiers = " ".join(c.lower_ for c in noun.children if c.dep_ == "compound" and c.i not in entities)
    for subject in _described(noun, entities):
        for preposition, obj in arguments:
            if entity_type(subject.label_) in LITERAL_TYPES:  # "The population of Tirana is 374,801"
                predicate = noun_predicate(noun.lemma_, "", modifiers=f"has {modifiers}")
                yield Triple(obj, predicate, subject, CONFIDENCE["relational_noun"])
                continue
            predicate = noun_predicate(noun.lemma_, preposition, modifiers=modifiers)
            yield Triple(subject, predicate, obj, CONFIDENCE["relational_noun"])


def _location_apposition(token: Token, entities: Mapping[int, Span]) -> Iterator[Triple]:
    inner, outer = entities.get(token.head.i), entities.get(token.i)
    if inner is None or outer is None or token.conjuncts or token.head.conjuncts:
        return  # "Greece, Italy, Serbia and Kosovo" is a list, not a place in a place
    if entity_type(inner.label_) == entity_type(outer.label_) == "Location":
        yield Triple(inner, "LOCATED_IN", outer, CONFIDENCE["location_apposition"])


def _acceptable(triple: Triple) -> bool:
    """Two different entities, and a thing as the subject: a date or a number only ends a relation."""
    subject, obj = triple.subject, triple.object
    distinct = (subject.start, subject.end) != (obj.start, obj.end) and subject.text != obj.text
    return distinct and entity_type(subject.label_) not in LITERAL_TYPES


def _best(triples: Iterable[Triple]) -> list[Triple]:
    """One triple per (subject, predicate, object), the most confident, in the order first found."""
    best: dict[tuple[int, int, str, int, int], Triple] = {}
    for triple in triples:
        key = (
            triple.subject.start,
            triple.subject.end,
            triple.predicate,
            triple.object.start,
            triple.object.end,
        )
        if key not in best or triple.confidence > best[key].confidence:
            best[key] = triple
    return list(best.values())
