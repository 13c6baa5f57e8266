"""Hand-made contexts for the generator tests (the same shape build_context gives at query time)."""

from __future__ import annotations

from trellis.retrieval.context import build_context
from trellis.retrieval.types import Context, Evidence, Fact, LinkedEntity, Passage

BALKANS = Passage(
    chunk_id="doc-b:0", document_id="doc-b", title="Capitals of the Balkans",
    text="Tirana is the capital of Albania. Belgrade is the capital of Serbia. The currency of Albania is the lek.",
)  # fmt: skip
RIVERS = Passage(chunk_id="doc-r:0", document_id="doc-r", text="The Danube flows through Vienna and Belgrade.")
CAPITAL = Fact(
    subject_id="tirana", subject="Tirana", predicate="CAPITAL_OF", object_id="albania", object="Albania",
    subject_type="Location", object_type="Location", confidence=0.8,
    evidence=[Evidence(chunk_id=BALKANS.chunk_id, document_id=BALKANS.document_id)],
)  # fmt: skip
ALBANIA = LinkedEntity(id="albania", name="Albania", type="Location", score=1.0, mention="Albania")


def context(
    question: str, passages: tuple[Passage, ...] = (BALKANS, RIVERS), facts: tuple[Fact, ...] = (CAPITAL,)
) -> Context:
    """The context of ``question`` over the given passages and facts (words counted as tokens)."""
    return build_context(question, passages, facts, token_budget=500, count_tokens=lambda text: len(text.split()))
