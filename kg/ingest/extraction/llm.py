"""An optional extractor that asks a LangChain chat model for entities and relations as JSON.

Off by default (``settings.llm_extraction``). The model's answer is checked, not trusted: an entity must occur
in the chunk (its offsets are found there), a relation must join two such entities, and an answer that is not
the JSON asked for raises :class:`~kg.errors.ExtractionError`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ValidationError

from trellis.kg.chat_models import langchain_chat_model
from trellis.kg.errors import ConfigurationError, ExtractionError
from trellis.kg.ingest.extraction.labels import neo4j_label
from trellis.kg.ingest.extraction.predicates import normalise_predicate
from trellis.kg.ingest.extraction.schema import load_schema
from trellis.kg.ingest.prompts import EXTRACTION_SYSTEM, EXTRACTION_USER
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, EntityMention, ExtractionResult, Relation

__all__ = ["LLMExtractor", "parse_answer"]

logger = logging.getLogger(__name__)

_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")
_TYPES = "\n".join(f"  {t.name}: {t.description}" for t in load_schema().types.values())
"""The canonical relationship types with their descriptions, as the prompt lists them."""


class _Entity(BaseModel):
    name: str
    type: str


class _Relation(BaseModel):
    subject: str
    predicate: str
    object: str
    evidence: str | None = None
    confidence: float | None = None


class _Answer(BaseModel):
    entities: list[_Entity]
    relations: list[_Relation] = []


class LLMExtractor:
    """Entities and relations from any LangChain chat model, one request per chunk (sent as one batch)."""

    def __init__(self, chat_model: BaseChatModel, *, default_confidence: float = 0.7) -> None:
        self.chat_model = chat_model
        self.default_confidence = default_confidence

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMExtractor:
        """The extractor over ``settings.llm_extraction_model``, each call bounded by ``settings.llm_timeout_s``."""
        if not settings.llm_extraction_model:
            raise ConfigurationError(
                "TRELLIS_LLM_EXTRACTION is on but no model is named: set TRELLIS_LLM_EXTRACTION_MODEL "
                "(a langchain init_chat_model string such as openai:gpt-4o-mini)"
            )
        return cls(langchain_chat_model(settings.llm_extraction_model, settings=settings))

    def extract(self, chunks: Sequence[Chunk]) -> list[ExtractionResult]:
        """One result per chunk, in order; :class:`ExtractionError` when an answer is not the JSON asked."""
        if not chunks:
            return []
        requests: list[list[BaseMessage]] = [
            [SystemMessage(EXTRACTION_SYSTEM), HumanMessage(EXTRACTION_USER.format(text=chunk.text, types=_TYPES))]
            for chunk in chunks
        ]
        try:
            answers = self.chat_model.batch(requests)  # type: ignore[arg-type]
        except Exception as exc:  # the provider's own errors: a timeout, a refused connection, a rate limit
            raise ExtractionError(f"the extraction model failed: {type(exc).__name__}: {exc}") from exc
        return [
            parse_answer(chunk, _text(answer), default_confidence=self.default_confidence)
            for chunk, answer in zip(chunks, answers, strict=True)
        ]


def parse_answer(chunk: Chunk, answer: str, *, default_confidence: float = 0.7) -> ExtractionResult:
    """The result a model's answer gives for ``chunk``; entities not found in the chunk are dropped."""
    answer_model = _parse(chunk, answer)
    mentions: list[EntityMention] = []
    types: dict[str, str] = {}
    for entity in answer_model.entities:
        found = _find(chunk.text, entity.name)
        if found is None:
            logger.debug("chunk %s: dropped entity %r, not in the text", chunk.id, entity.name)
            continue
        start, end = found
        surface = chunk.text[start:end]
        if surface.casefold() in types:  # named twice
            continue
        types[surface.casefold()] = neo4j_label(entity.type)
        mentions.append(
            EntityMention(chunk_id=chunk.id, surface=surface, type=types[surface.casefold()], start=start, end=end)
        )
    names = {mention.surface.casefold(): mention.surface for mention in mentions}
    relations: list[Relation] = []
    for relation in answer_model.relations:
        subject = names.get(relation.subject.strip().casefold())
        obj = names.get(relation.object.strip().casefold())
        if subject is None or obj is None or subject == obj:
            logger.debug("chunk %s: dropped relation %r, its ends are not entities", chunk.id, relation)
            continue
        evidence = relation.evidence if relation.evidence and relation.evidence in chunk.text else chunk.text
        confidence = relation.confidence if relation.confidence is not None else default_confidence
        relations.append(
            Relation(
                chunk_id=chunk.id,
                subject=subject,
                subject_type=types[subject.casefold()],
                predicate=normalise_predicate(relation.predicate),
                object=obj,
                object_type=types[obj.casefold()],
                evidence=evidence,
                confidence=min(max(confidence, 0.0), 1.0),
            )
        )
    return ExtractionResult(chunk_id=chunk.id, mentions=mentions, relations=relations)


def _parse(chunk: Chunk, answer: str) -> _Answer:
    """The JSON object in an answer (fences and words around it allowed), checked against the shape asked."""
    text = _FENCE.sub("", answer.strip())
    start, end = text.find("{"), text.rfind("}")
    problem = "it holds no JSON object"
    if 0 <= start < end:
        try:
            return _Answer.model_validate_json(text[start : end + 1])
        except ValidationError as error:
            first = error.errors()[0]
            if first["type"] == "json_invalid":
                problem = f"its JSON does not parse ({first['msg']})"
            else:
                where = ".".join(str(part) for part in first["loc"]) or "the top"
                problem = f"its JSON has the wrong shape at {where!r} ({first['msg']})"
    raise ExtractionError(
        f"LLM extraction of chunk {chunk.id}: the model's answer is not usable, {problem}; expected "
        f'{{"entities": [...], "relations": [...]}}, got {answer[:80]!r}'
    )


def _find(text: str, name: str) -> tuple[int, int] | None:
    """Where ``name`` first occurs in ``text``, as written or else ignoring case."""
    name = name.strip()
    if not name:
        return None
    start = text.find(name)
    if start >= 0:
        return start, start + len(name)
    match = re.search(re.escape(name), text, flags=re.IGNORECASE)
    return match.span() if match else None


def _text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)
