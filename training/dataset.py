"""``trellis train dataset``: supervised examples from the graph, each with the context retrieval gives it.

The story, top to bottom: read typed relations and entities from Neo4j (named queries) -> plan questions in people's
words (single-hop, two-hop, list, comparison, unanswerable; several phrasings per relation type,
:mod:`training.phrasings`; an LLM paraphrase when one is configured) -> retrieve for each question exactly as query
time does (``Retriever.retrieve`` + ``build_context``, same options) -> keep answerable questions whose evidence
passages made it into the context, reading the answer there as the passage writes it (the surface of the entity's
mention in that chunk), and unanswerable ones whose context lacks the answer -> messages from the one query-time
prompt (``chat_messages``), target the short answer and its ``[n]`` citations -> split by entity -> JSONL, stats and
manifest. With ``feedback``, the answer log's corrections join the train split as gold examples and down-voted
answers stay out (:mod:`training.feedback`).
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from trellis.kg.graph import GraphStore
from trellis.kg.progress import Progress, QuietProgress
from trellis.retrieval.context import build_context
from trellis.retrieval.generators.base import NOT_IN_GRAPH
from trellis.retrieval.retriever import Retriever
from trellis.retrieval.types import AnswerOptions, Context, Fact
from trellis.training.errors import EmptyGraphError, TooFewExamplesError
from trellis.training.feedback import gold_examples, keep_out_down_voted, rated_answers, with_gold
from trellis.training.paraphrase import Paraphrase, accept_paraphrase
from trellis.training.prompts import join_names, predicate_words, target_text
from trellis.training.questions import QuestionPlan, plan_questions
from trellis.training.spans import written
from trellis.training.split import split_by_entity
from trellis.training.stats import dataset_stats
from trellis.training.storage import DatasetManifest, write_dataset
from trellis.training.types import DatasetStats, Example, QuestionSpec

__all__ = ["DEFAULT_OPTIONS", "DatasetBuilder", "DatasetOptions"]

logger = logging.getLogger(__name__)

DEFAULT_OPTIONS = AnswerOptions(k=4, max_facts=8, token_budget=384)
"""Retrieval options of training contexts: the query-time defaults with a context short enough to train on CPU."""


class DatasetOptions(BaseModel):
    """What to generate: phrasings per fact, caps, the unanswerable share, split shares, retrieval options."""

    phrasings: int = Field(default=2, ge=1, le=5)
    max_relations: int = Field(default=5_000, ge=1)
    max_examples: int = Field(default=1_500, ge=1)
    unanswerable_share: float = Field(default=0.25, ge=0.0, lt=1.0)
    dev_share: float = Field(default=0.1, ge=0.0, lt=0.5)
    test_share: float = Field(default=0.2, gt=0.0, lt=0.5)
    min_train: int = Field(default=20, ge=1)
    min_test: int = Field(default=5, ge=1)
    seed: int = 0
    exclude_predicates: list[str] = Field(default_factory=lambda: ["CO_OCCURS_WITH"])
    feedback: bool = False  # corrected answers of the answer log as gold examples; down-voted answers kept out
    retrieval: AnswerOptions = Field(default_factory=lambda: DEFAULT_OPTIONS.model_copy())


def _example_id(spec: QuestionSpec) -> str:
    return hashlib.sha256(f"{spec.kind}|{spec.anchor}|{spec.question}".encode()).hexdigest()[:16]


def _answering(spec: QuestionSpec, entity_id: str) -> Fact:
    """The relation whose evidence states the answer ``entity_id`` (the last hop of a chain that ends there)."""
    return next(r for r in reversed(spec.relations) if entity_id in (r.subject_id, r.object_id))


def _holds_answer(spec: QuestionSpec, context: Context, names: dict[str, str]) -> bool:
    """Whether an unanswerable question's context may answer it after all (a fact or a passage that could)."""
    if any(spec.predicate == f.predicate and spec.anchor in (f.subject_id, f.object_id) for f in context.facts):
        return True
    name = names.get(spec.anchor, spec.anchor).lower()
    keyword = max(predicate_words(spec.predicate).split(), key=len)
    return any(name in p.text.lower() and keyword in p.text.lower() for p in context.passages)


class DatasetBuilder:
    """Builds a dataset from the graph the retriever reads, with the retriever's own pipeline."""

    def __init__(
        self,
        retriever: Retriever,
        *,
        options: DatasetOptions | None = None,
        paraphrase: Paraphrase | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.retriever = retriever
        self.store: GraphStore = retriever.store
        self.options = options or DatasetOptions()
        self.paraphrase = paraphrase
        self.progress: Progress = progress or QuietProgress()

    def relations(self) -> list[Fact]:
        """The typed relations of the graph with evidence (the excluded predicates left out)."""
        rows = self.store.query(
            "training_relations", exclude=self.options.exclude_predicates, limit=self.options.max_relations
        )
        return [Fact.model_validate(row) for row in rows]

    def plan(self, relations: Sequence[Fact]) -> list[QuestionSpec]:
        """The questions to ask, at most ``max_examples`` of them, answerable and not, in a seeded order."""
        entities = self.store.query("training_entities", limit=self.options.max_relations * 2)
        plan = QuestionPlan(phrasings=self.options.phrasings, max_unanswerable_share=self.options.unanswerable_share)
        specs = plan_questions(relations, entities, plan=plan, seed=self.options.seed)
        random.Random(self.options.seed).shuffle(specs)
        return specs[: self.options.max_examples]

    def surfaces(self, spec: QuestionSpec) -> dict[tuple[str, str], list[str]]:
        """How the answer's entities are written in their relations' evidence chunks: (chunk, entity) -> surfaces."""
        pairs = [
            {"chunk": chunk, "entity": entity_id}
            for entity_id in spec.answer_ids
            for chunk in _answering(spec, entity_id).chunk_ids
        ]
        rows = self.store.query("training_surfaces", pairs=pairs) if pairs else []
        return {(row["chunk_id"], row["entity_id"]): list(row["surfaces"]) for row in rows}

    def read_answer(self, spec: QuestionSpec, context: Context) -> tuple[str, list[int]] | str:
        """The answer as the context's passages write it and the citations of the passages it rests on, or why it
        cannot be read: a relation's evidence is not among the passages, or the passage does not hold the answer."""
        shown = {passage.chunk_id: " ".join(passage.text.split()) for passage in context.passages}  # as displayed
        cited: dict[int, str] = {}  # relation position -> the chunk it is cited by
        for position, relation in enumerate(spec.relations):
            chunk = next((chunk for chunk in relation.chunk_ids if chunk in shown), None)
            if chunk is None:
                return "evidence_not_in_context"
            cited[position] = chunk
        surfaces = self.surfaces(spec)
        spans = []
        for entity_id in spec.answer_ids:
            relation = _answering(spec, entity_id)
            name = relation.subject if entity_id == relation.subject_id else relation.object
            read = [
                (chunk, span)
                for chunk in relation.chunk_ids
                if chunk in shown and (span := written(shown[chunk], [*surfaces.get((chunk, entity_id), []), name]))
            ]
            if not read:
                return "answer_not_in_passage"
            cited[spec.relations.index(relation)] = read[0][0]
            spans.append(read[0][1])
        numbers = [number for chunk in cited.values() if (number := context.number_of(chunk)) is not None]
        return join_names(list(dict.fromkeys(spans))), sorted(set(numbers))

    def example(self, spec: QuestionSpec, names: dict[str, str]) -> Example | str:
        """The example for one question, or the reason it was dropped."""
        from trellis.retrieval.generators.prompts import chat_messages  # the one prompt of query time

        options = self.options.retrieval
        found = self.retriever.retrieve(spec.question, options=options)
        context = build_context(
            found.question,
            found.passages,
            found.facts,
            token_budget=options.token_budget,
            count_tokens=self.retriever.embedder.count_tokens,
        )
        citations: list[int] = []
        if spec.kind == "unanswerable":
            if _holds_answer(spec, context, names):
                return "unanswerable_context_may_answer"
            answer, target = "", NOT_IN_GRAPH
        else:
            read = self.read_answer(spec, context)
            if isinstance(read, str):
                return read
            answer, citations = read
            target = target_text(answer, citations)
        return Example(
            id=_example_id(spec),
            kind=spec.kind,
            predicate=spec.predicate,
            question=found.question,
            answer=answer,
            target=target,
            messages=chat_messages(found.question, context),
            context=context.text,
            citations=citations,
            anchor=spec.anchor,
            entities=spec.entities,
            relations=spec.relations,
        )

    def _paraphrased(self, specs: list[QuestionSpec], names: dict[str, str]) -> list[QuestionSpec]:
        if self.paraphrase is None:
            return specs
        self.progress.stage("paraphrase", len(specs))
        out = []
        for spec in specs:
            named = [
                names.get(entity, entity) for entity in spec.entities if names.get(entity, entity) in spec.question
            ]
            try:
                question = accept_paraphrase(spec.question, self.paraphrase(spec.question), names=named)
            except Exception as exc:  # a flaky endpoint keeps the template's wording
                logger.warning("paraphrase failed, keeping the template: %s", exc)
                question = spec.question
            out.append(spec.model_copy(update={"question": question}))
            self.progress.advance("paraphrase")
        return out

    def build(self) -> tuple[list[Example], DatasetStats]:
        """Every example, split by entity, and the stats (nothing written yet)."""
        relations = self.relations()
        if not relations:
            raise EmptyGraphError(
                "the graph holds no typed relation with evidence to make examples from: "
                "ingest documents first (`trellis ingest PATH`)"
            )
        names = {r.subject_id: r.subject for r in relations} | {r.object_id: r.object for r in relations}
        specs = self._paraphrased(self.plan(relations), names)
        dropped: Counter[str] = Counter()
        rated = rated_answers(self.store) if self.options.feedback else []
        gold, unusable = gold_examples(self.retriever, rated, options=self.options.retrieval)
        dropped += unusable
        examples: dict[str, Example] = {}
        self.progress.stage("retrieve", len(specs))
        for spec in specs:
            made = self.example(spec, names)
            if isinstance(made, str):
                dropped[made] += 1
            elif made.id in examples:
                dropped["duplicate"] += 1
            else:
                examples[made.id] = made
            self.progress.advance("retrieve")
        generated, kept_out = keep_out_down_voted(list(examples.values()), rated, gold)
        split, overlap = split_by_entity(
            generated,
            dev_share=self.options.dev_share,
            test_share=self.options.test_share,
            seed=self.options.seed,
        )
        dropped["entity_overlap_with_held_out"] += overlap
        split, held_out = with_gold(split, gold)
        dropped += kept_out + held_out
        stats = dataset_stats(split, dropped=dropped)
        self._check(stats)
        return split, stats

    def _check(self, stats: DatasetStats) -> None:
        train, test = stats.splits.get("train", 0), stats.splits.get("test", 0)
        if train < self.options.min_train or test < self.options.min_test:
            raise TooFewExamplesError(
                f"only {train} training and {test} test examples (need at least {self.options.min_train} and "
                f"{self.options.min_test}): ingest more documents, or ask for more phrasings (--phrasings)"
            )

    def write(self, folder: Path) -> tuple[DatasetManifest, DatasetStats]:
        """Build and write the dataset to ``folder`` (replacing what was there only once all of it is ready)."""
        examples, stats = self.build()
        manifest = DatasetManifest(
            created_at=datetime.now(UTC),
            options=self.options.retrieval,
            seed=self.options.seed,
            relations=len({(r.subject_id, r.predicate, r.object_id) for e in examples for r in e.relations}),
            paraphrased=self.paraphrase is not None,
            data_hash="",
            settings={"dataset": self.options.model_dump(mode="json")},
        )
        manifest = write_dataset(folder, examples, stats=stats, manifest=manifest)
        return manifest, stats.model_copy(update={"data_hash": manifest.data_hash})
