"""Feedback becomes data: corrected answers as gold examples, down-voted answers kept out, rated answers re-asked.

The answer log (``(:Answer)`` nodes, rated through the API) is read here through a named query, never through
``api/``. Three uses:

- :func:`gold_examples`: each answer rated DOWN with a correction becomes a training example. Its context is rebuilt
  by today's retrieval (``Retriever.retrieve`` and ``build_context``, as every example's is), the correction is the
  target, written as the context's passage writes it and cited by that passage's number; the cited chunks are
  checked to exist in the graph. A correction no passage of the context holds is dropped (a model must not learn
  to answer from text it cannot see), and so is an answer whose question the log kept only as a hash.
- :func:`keep_out_down_voted`: a generated example whose question an answer was down-voted on, and whose answer is
  the one that was down-voted (or any answer, when the question has a gold example), leaves the dataset.
- :func:`evaluate_rated`: the rated questions asked again of the current model: how many corrected answers it now
  gets right, how many up-voted ones it still gives (in a sentence or as a name), how many down-voted ones it now
  answers otherwise.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from trellis.kg.graph import GraphStore
from trellis.retrieval.context import build_context
from trellis.retrieval.generators.base import NOT_IN_GRAPH
from trellis.retrieval.retriever import Retriever
from trellis.retrieval.types import AnswerOptions, Context, Retrieval
from trellis.training.metrics import exact_match, normalise, short_answer
from trellis.training.prompts import target_text
from trellis.training.spans import written
from trellis.training.types import Example, ExampleKind

__all__ = [
    "FEEDBACK_PREDICATE",
    "RatedAnswer",
    "RatedEvaluation",
    "RatedOutcome",
    "evaluate_rated",
    "gold_examples",
    "keep_out_down_voted",
    "rated_answers",
    "with_gold",
]

FEEDBACK_PREDICATE = "FEEDBACK"
"""The predicate of gold examples from corrections (they rest on a user's word, not on a relation of the graph)."""
MAX_RATED = 100_000


class RatedAnswer(BaseModel):
    """A logged answer with its latest rating, as the dataset and the evaluation read it."""

    id: str
    question: str | None = None
    text: str
    span: str | None = None
    model: str
    rating: Literal["UP", "DOWN"]
    correction: str | None = None
    chunk_ids: list[str] = Field(default_factory=list)
    gone_chunk_ids: list[str] = Field(default_factory=list)

    @property
    def given(self) -> str:
        """The short answer that was given (the span, else the text before its citations)."""
        return self.span or short_answer(self.text)


def rated_answers(store: GraphStore, *, limit: int = MAX_RATED) -> list[RatedAnswer]:
    """Every rated answer of the log, in the order they were rated."""
    rows = store.query("training_rated_answers", limit=limit)
    return [RatedAnswer.model_validate({k: v for k, v in row.items() if k != "rated_at"}) for row in rows]


def _holding(context: Context, text: str) -> list[tuple[int, str]]:
    """The (citation number, text as written there) of each context passage that holds ``text`` as a phrase."""
    found = []
    for passage in context.passages:
        number = context.number_of(passage.chunk_id)
        span = written(" ".join(passage.text.split()), [text])
        if number is not None and span is not None:
            found.append((number, span))
    return found


def _is_abstention(text: str) -> bool:
    """Whether ``text`` is the abstention ("Not in the graph", however it goes on)."""
    return normalise(text).startswith(normalise(NOT_IN_GRAPH.split(":")[0]))


def gold_examples(
    retriever: Retriever, rated: Sequence[RatedAnswer], *, options: AnswerOptions
) -> tuple[list[Example], Counter[str]]:
    """A training example for each corrected answer (module docstring), and why the others were dropped."""
    dropped: Counter[str] = Counter()
    examples: dict[str, Example] = {}
    for answer in rated:
        if answer.rating != "DOWN" or not answer.correction:
            continue
        if not answer.question:
            dropped["feedback_question_not_kept"] += 1
            continue
        found = retriever.retrieve(answer.question, options=options)
        context = build_context(
            found.question,
            found.passages,
            found.facts,
            token_budget=options.token_budget,
            count_tokens=retriever.embedder.count_tokens,
        )
        target = _gold_target(context, answer.correction)
        if target is None:
            dropped["feedback_correction_not_in_context"] += 1
            continue
        if not _cited_chunks_exist(retriever.store, context, target.citations):
            dropped["feedback_citation_not_in_graph"] += 1
            continue
        key = normalise(found.question)
        if key in examples:
            dropped["feedback_duplicate_question"] += 1  # the latest rated correction of a question wins
        examples[key] = _gold_example(answer, found, context=context, target=target)
    return list(examples.values()), dropped


@dataclass(frozen=True)
class _GoldTarget:
    """What a gold example teaches: its kind, the answer as the context writes it, its citations and target text."""

    kind: ExampleKind
    answer: str
    citations: list[int]
    text: str


def _gold_target(context: Context, correction: str) -> _GoldTarget | None:
    """The target of a correction: the abstention, or the first passage that holds it (None: no passage does)."""
    if _is_abstention(correction):
        return _GoldTarget(kind="unanswerable", answer="", citations=[], text=NOT_IN_GRAPH)
    held = _holding(context, correction) or _holding(context, short_answer(correction))
    if not held:
        return None
    number, span = held[0]
    return _GoldTarget(kind="feedback", answer=span, citations=[number], text=target_text(span, [number]))


def _gold_example(answer: RatedAnswer, found: Retrieval, *, context: Context, target: _GoldTarget) -> Example:
    """The training example of a corrected answer, asked as ``found`` asked it, over ``context``."""
    from trellis.retrieval.generators.prompts import chat_messages  # the one prompt of query time

    return Example(
        id="fb-" + hashlib.sha256(f"feedback|{answer.id}".encode()).hexdigest()[:13],
        kind=target.kind,
        split="train",
        predicate=FEEDBACK_PREDICATE,
        question=found.question,
        answer=target.answer,
        target=target.text,
        messages=chat_messages(found.question, context),
        context=context.text,
        citations=target.citations,
        anchor=f"answer:{answer.id}",
        entities=sorted({entity.id for entity in found.entities}),
    )


def _cited_chunks_exist(store: GraphStore, context: Context, numbers: Sequence[int]) -> bool:
    """Whether every cited number is a citation of the context whose chunk the graph holds."""
    chunks = [citation.chunk_id for n in numbers if (citation := context.citation(n)) is not None]
    if len(chunks) != len(numbers):
        return False
    existing = {row["id"] for row in store.query("training_existing_chunks", ids=chunks)} if chunks else set()
    return existing == set(chunks)


def keep_out_down_voted(
    examples: Sequence[Example], rated: Sequence[RatedAnswer], gold: Sequence[Example]
) -> tuple[list[Example], Counter[str]]:
    """``examples`` without those that teach a down-voted answer or contradict a gold example (module docstring)."""
    down = {(normalise(a.question), normalise(a.given)) for a in rated if a.rating == "DOWN" and a.question}
    corrected = {normalise(example.question) for example in gold}
    dropped: Counter[str] = Counter()
    kept = []
    for example in examples:
        question = normalise(example.question)
        if question in corrected:
            dropped["replaced_by_feedback"] += 1
        elif (question, normalise(example.answer)) in down:
            dropped["down_voted"] += 1
        else:
            kept.append(example)
    return kept, dropped


def with_gold(split: Sequence[Example], gold: Sequence[Example]) -> tuple[list[Example], Counter[str]]:
    """The split examples with the gold ones added to train; held-out (dev, test) examples that share an entity
    with a gold example leave, so the held-out figures never measure a correction learnt in training."""
    touched = {entity for example in gold for entity in example.entities}
    dropped: Counter[str] = Counter()
    kept = []
    for example in split:
        if example.split != "train" and touched & {example.anchor, *example.entities}:
            dropped["held_out_entity_in_feedback"] += 1
        else:
            kept.append(example)
    return [*[e for e in kept if e.split == "train"], *gold, *[e for e in kept if e.split != "train"]], dropped


class RatedOutcome(BaseModel):
    """One rated question asked again: what was rated, what the model answers now, and whether that is right."""

    answer_id: str
    question: str
    rating: Literal["UP", "DOWN"]
    given: str
    correction: str | None = None
    now: str
    right: bool | None = None
    """For a corrected answer: the new answer matches the correction; for an up-vote: it is the answer that was
    given; for a down-vote without correction: it is not."""


class RatedEvaluation(BaseModel):
    """The rated answers as a question set, scored for the current model."""

    model: str
    created_at: datetime
    questions: int = 0
    corrected: int = 0
    corrected_right: int = 0
    up_voted: int = 0
    up_voted_same: int = 0
    down_voted: int = 0
    down_voted_changed: int = 0
    skipped: int = 0
    outcomes: list[RatedOutcome] = Field(default_factory=list)


def evaluate_rated(
    retriever: Retriever,
    rated: Sequence[RatedAnswer],
    *,
    options: AnswerOptions | None = None,
    tick: Callable[[], None] | None = None,
) -> RatedEvaluation:
    """Ask every rated question (with its text kept) of ``retriever``'s generator again, and score it."""
    report = RatedEvaluation(model=retriever.generator.name, created_at=datetime.now(UTC))
    for answer in rated:
        if not answer.question:
            report.skipped += 1
            continue
        now = retriever.answer(answer.question, options)
        said = (now.span or short_answer(now.text)) if now.answerable else NOT_IN_GRAPH
        outcome = RatedOutcome(
            answer_id=answer.id,
            question=answer.question,
            rating=answer.rating,
            given=answer.given,
            correction=answer.correction,
            now=said,
        )
        report.questions += 1
        if answer.correction:
            outcome.right = _matches(said, answer.correction)
            report.corrected += 1
            report.corrected_right += outcome.right
        elif answer.rating == "UP":
            outcome.right = _same_answer(said, answer.given, question=answer.question)
            report.up_voted += 1
            report.up_voted_same += outcome.right
        else:
            outcome.right = not _same_answer(said, answer.given, question=answer.question)
            report.down_voted += 1
            report.down_voted_changed += outcome.right
        report.outcomes.append(outcome)
        if tick is not None:
            tick()
    return report


def _answer_words(text: str, question: str) -> set[str]:
    """The words of an answer that its question does not hold: "The capital of Albania is Tirana" -> {tirana}."""
    return set(normalise(short_answer(text)).split()) - set(normalise(question).split())


def _same_answer(said: str, given: str, *, question: str) -> bool:
    """Whether two answers to ``question`` say the same thing, in a sentence or as a name: the words of one that
    the question does not hold are among the other's ("Tirana" and "The capital of Albania is Tirana"; not
    "Albania", which only repeats the question)."""
    if _is_abstention(said) or _is_abstention(given):
        return _is_abstention(said) == _is_abstention(given)
    mine, theirs = _answer_words(said, question), _answer_words(given, question)
    return bool(mine) and bool(theirs) and (mine <= theirs or theirs <= mine)


def _matches(said: str, wanted: str) -> bool:
    """The same answer: exact match of the short answers, or the wanted one a whole phrase of what was said."""
    if _is_abstention(wanted) or _is_abstention(said):
        return _is_abstention(wanted) == _is_abstention(said)
    gold = short_answer(wanted)
    if exact_match(short_answer(said), gold):
        return True
    return bool(normalise(gold)) and f" {normalise(gold)} " in f" {normalise(said)} "
