"""``trellis train evaluate``: the base model against the fine-tuned one on the held-out split, same contexts.

Both read exactly the stored messages of each example (built by the query-time prompt over the query-time context)
and answer greedily; one model object serves both (the LoRA adapter switched off for the base). Scores: exact match
and F1 of the short answer, abstention accuracy on unanswerable questions, false abstentions on answerable ones, and
the share of cited relations that exist in the graph (checked in Neo4j).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

from pydantic import BaseModel, Field

from trellis.kg.graph import GraphStore
from trellis.kg.settings import Settings
from trellis.kg.vectors import resolve_device
from trellis.retrieval.generators.decoding import answer_processors
from trellis.training.encoding import fitted_prompt_ids
from trellis.training.errors import CorruptAdapterError, TooFewExamplesError
from trellis.training.finetune import FinetuneConfig, resolve_base_model
from trellis.training.metrics import cited_triples, exact_match, short_answer, token_f1
from trellis.training.registry import read_run, write_json
from trellis.training.storage import data_hash, read_split
from trellis.training.types import EvalMetrics, EvalReport, Example, Split

__all__ = ["EvalConfig", "evaluate", "relations_in_graph", "score"]

logger = logging.getLogger(__name__)


class EvalConfig(BaseModel):
    """Which split, how many examples, how long an answer, how many answers at once."""

    split: Split = "test"
    limit: int | None = Field(default=None, ge=1)
    max_new_tokens: int = Field(default=64, ge=1)
    max_length: int = Field(default=640, ge=32)
    batch_size: int = Field(default=8, ge=1)
    constrain_citations: bool = True
    """Cited relations restricted to the context's facts (the query-time default, see
    ``retrieval.generators.constrained``); off, the model may cite any text."""
    abstain_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """Abstain only when the abstention's first token has this share (the query-time default, see
    ``retrieval.generators.abstention``); 0: plain greedy decoding."""


def _is_abstention(text: str) -> bool:
    from trellis.retrieval.generators.prompts import is_abstention

    return bool(is_abstention(text))


def relations_in_graph(store: GraphStore, texts: Sequence[str]) -> tuple[int, int]:
    """How many relations the texts cite, and how many of those exist in the graph."""
    triples = [t for text in texts for t in cited_triples(text)]
    if not triples:
        return 0, 0
    unique = {t.triple: t for t in triples}
    rows = store.query(
        "training_relations_exist",
        triples=[
            {"key": k, "subject": t.subject, "predicate": t.predicate, "object": t.object} for k, t in unique.items()
        ],
    )
    exists = {row["key"]: bool(row["exists"]) for row in rows}
    return len(triples), sum(exists.get(t.triple, False) for t in triples)


def score(name: str, examples: Sequence[Example], predictions: Sequence[str], store: GraphStore) -> EvalMetrics:
    """The metrics of one model's predictions (percentages)."""
    em = f1 = 0.0
    abstained_right = abstained_wrong = 0
    answerable = [e for e in examples if e.answerable]
    for example, prediction in zip(examples, predictions, strict=True):
        abstains = _is_abstention(prediction)
        if not example.answerable:
            em += abstains
            f1 += abstains
            abstained_right += abstains
        elif abstains:
            abstained_wrong += 1
        else:
            answer = short_answer(prediction)
            em += exact_match(answer, example.answer)
            f1 += token_f1(answer, example.answer)
    unanswerable = len(examples) - len(answerable)
    cited, valid = relations_in_graph(store, [p for p in predictions if not _is_abstention(p)])
    return EvalMetrics(
        model=name,
        examples=len(examples),
        exact_match=round(100 * em / len(examples), 2),
        f1=round(100 * f1 / len(examples), 2),
        abstention_accuracy=round(100 * abstained_right / unanswerable, 2) if unanswerable else None,
        false_abstentions=round(100 * abstained_wrong / len(answerable), 2) if answerable else None,
        cited_relations=cited,
        valid_cited_relations=round(100 * valid / cited, 2) if cited else None,
    )


def _generate(
    model: Any, tokenizer: Any, examples: Sequence[Example], config: EvalConfig, tick: Callable[[], None]
) -> list[str]:
    import torch

    tokenizer.padding_side = "left"
    device = next(model.parameters()).device
    room = config.max_length - config.max_new_tokens
    outputs: list[str] = []
    for start in range(0, len(examples), config.batch_size):
        chunk = examples[start : start + config.batch_size]
        batch = [fitted_prompt_ids(tokenizer, e.messages, room) for e in chunk]
        width = max(len(ids) for ids in batch)
        pad = int(tokenizer.pad_token_id)
        ids = torch.tensor([[pad] * (width - len(x)) + x for x in batch], device=device)
        mask = torch.tensor([[0] * (width - len(x)) + [1] * len(x) for x in batch], device=device)
        processors = answer_processors(
            tokenizer,
            [e.context for e in chunk],
            prompt_length=width,
            abstain_threshold=config.abstain_threshold,
            constrain_citations=config.constrain_citations,
        )
        with torch.no_grad():
            generated = model.generate(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=config.max_new_tokens,
                logits_processor=processors,
                do_sample=False,
                pad_token_id=pad,
                eos_token_id=tokenizer.eos_token_id,
            )
        for row in generated[:, width:]:
            outputs.append(tokenizer.decode(row, skip_special_tokens=True).strip())
            tick()
    return outputs


@dataclass(frozen=True)
class _Loaded:
    """The model (with the run's adapter, unmerged, when a run is given), its tokenizer, and the two names."""

    model: Any
    tokenizer: Any
    base_name: str
    tuned_name: str | None


def _load(settings: Settings, run: str | None) -> _Loaded:
    """The base model of ``run`` (else of the settings), with the run's adapter, in eval mode on the GPU if any."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    metadata = read_run(settings, run) if run else None
    folder = metadata.base_model_path if metadata else resolve_base_model(settings, FinetuneConfig())
    device = resolve_device(settings.device)
    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model: Any = AutoModelForCausalLM.from_pretrained(str(folder), dtype=dtype)
    tuned_name = None
    if metadata is not None:
        try:
            model = PeftModel.from_pretrained(model, str(metadata.adapter))
        except Exception as exc:
            raise CorruptAdapterError(f"run {run}: the adapter at {metadata.adapter} does not load ({exc})") from exc
        tuned_name = f"{metadata.base_model}+lora:{metadata.run}"
    model.to(device)
    model.eval()
    return _Loaded(model=model, tokenizer=tokenizer, base_name=folder.name, tuned_name=tuned_name)


def _base_cache(
    settings: Settings, dataset: Path, examples: Sequence[Example], config: EvalConfig, base_name: str
) -> Path:
    """Where the base model's answers to these examples are kept: greedy decoding gives the same answers to the
    same prompts, so comparing a second run with the base on the same dataset need not generate them again."""
    key = hashlib.sha256(
        json.dumps(
            {
                "data": data_hash(dataset),
                "base": base_name,
                "examples": [e.id for e in examples],
                "generation": config.model_dump(
                    include={"max_new_tokens", "max_length", "constrain_citations", "abstain_threshold"}
                ),
                "prompt": "context-tail-cut",  # how an over-long prompt is fitted (see training.encoding)
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()[:20]
    return settings.data_dir / "training" / "base-answers" / f"{key}.json"


def _cached(path: Path | None, count: int) -> list[str] | None:
    if path is None or not path.is_file():
        return None
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a damaged cache is regenerated
    if not isinstance(answers, list) or len(answers) != count or not all(isinstance(a, str) for a in answers):
        return None
    logger.info("base answers read from %s", path)
    return answers


def evaluate(
    settings: Settings,
    dataset: Path,
    *,
    store: GraphStore,
    run: str | None = None,
    config: EvalConfig | None = None,
    tick: Callable[[], None] = lambda: None,
    total: Callable[[int], None] = lambda count: None,
) -> EvalReport:
    """Scores of the base model (and the run's fine-tuned model) on the dataset's held-out split.

    ``total`` learns how many answers there will be (examples times models); ``tick`` follows each one, cached
    base answers included."""
    config = config or EvalConfig()
    examples = read_split(dataset, config.split)[: config.limit]
    if not examples:
        raise TooFewExamplesError(f"the {config.split} split of {dataset} is empty: build a bigger dataset")
    store.verify()  # the cited relations are checked in Neo4j: fail now, not after minutes of generation
    loaded = _load(settings, run)
    rows: list[dict[str, str]] = [
        {"id": e.id, "kind": e.kind, "question": e.question, "gold": e.target} for e in examples
    ]
    metrics = []
    total(len(examples) * (2 if loaded.tuned_name else 1))
    for name, base in ((loaded.base_name, True), (loaded.tuned_name, False)):
        if name is None:
            continue
        began = perf_counter()
        cache = _base_cache(settings, dataset, examples, config, loaded.base_name) if base else None
        predictions = _answers(loaded, examples, base=base, cache=cache, config=config, tick=tick)
        result = score(name, examples, predictions, store)
        metrics.append(result.model_copy(update={"seconds": round(perf_counter() - began, 1)}))
        for row, prediction in zip(rows, predictions, strict=True):
            row["base" if base else "tuned"] = prediction
    return EvalReport(
        split=config.split,
        examples=len(examples),
        run=run,
        models=metrics,
        created_at=datetime.now(UTC),
        predictions=rows,
    )


def _answers(
    loaded: _Loaded,
    examples: Sequence[Example],
    *,
    base: bool,
    cache: Path | None,
    config: EvalConfig,
    tick: Callable[[], None],
) -> list[str]:
    """The base (adapter off) or tuned model's answers: read from ``cache`` when kept there, else generated and kept."""
    predictions = _cached(cache, len(examples))
    if predictions is not None:
        for _ in predictions:
            tick()
        return predictions
    context = loaded.model.disable_adapter() if base and loaded.tuned_name else nullcontext()
    with context:
        predictions = _generate(loaded.model, loaded.tokenizer, examples, config=config, tick=tick)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_json(cache, json.dumps(predictions))
    return predictions
