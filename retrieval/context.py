"""The context block a generator reads: facts and passages with numbered citations, within a token budget.

:func:`build_context` is pure and deterministic (same inputs, same text), and it is the one function that both
query time and training use to build context, so a model is trained on exactly the format it later reads::

    Facts matching the question:
    (Tirana) -[CAPITAL_OF]-> (Albania) [1]
    Other facts:
    (Albania) -[MEMBER_OF]-> (United Nations) [2]
    Passages:
    [1] Capitals of the Balkans: Tirana is the capital of Albania. ...

The facts the question asks about (:mod:`retrieval.asked`: a question entity and an asked predicate) come first,
under their own heading, which says "none" when no fact matches: that is what a generator, and a model trained on
these contexts, sees when the graph does not hold the answer. Passages are numbered in the order given; a fact
cites the passages that are its evidence, or, when none of them made it in, a citation of its own (numbered after
the passages) that maps to its first evidence chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from trellis.retrieval.asked import QuestionWords, asks_about, unnamed_ends
from trellis.retrieval.types import Citation, Context, Fact, Passage

__all__ = ["MATCHING", "CountTokens", "build_context", "render_context"]

CountTokens = Callable[[str], int]
_ELLIPSIS = " …"
_MIN_WORDS = 8
MATCHING = "Facts matching the question:"
OTHERS = "Other facts:"


def _clean(text: str) -> str:
    return " ".join(text.split())


def _heading(passage: Passage) -> str:
    """What a passage's line starts with: its document title and section ("Andorra (Politics): "), if known."""
    title = _clean(passage.title or "")
    section = f" ({_clean(passage.section)})" if passage.section else ""
    return f"{title}{section}: " if title or section else ""


def _citations(passages: Sequence[Passage], facts: Sequence[Fact]) -> tuple[list[Citation], dict[int, list[int]]]:
    """Numbers for the passages in order, then for the evidence of facts that cite no passage."""
    citations = [
        Citation(number=i, chunk_id=p.chunk_id, document_id=p.document_id, title=p.title, section=p.section)
        for i, p in enumerate(passages, 1)
    ]
    number = {c.chunk_id: c.number for c in citations}
    cited: dict[int, list[int]] = {}
    for position, fact in enumerate(facts):
        numbers = [number[e.chunk_id] for e in fact.evidence if e.chunk_id in number]
        if not numbers and fact.evidence:
            first = fact.evidence[0]
            number[first.chunk_id] = len(citations) + 1
            citations.append(
                Citation(number=number[first.chunk_id], chunk_id=first.chunk_id, document_id=first.document_id)
            )
            numbers = [number[first.chunk_id]]
        cited[position] = sorted(set(numbers))
    return citations, cited


def render_context(
    passages: Sequence[Passage], facts: Sequence[Fact], *, matching: int = 0
) -> tuple[str, list[Citation]]:
    """The context text of exactly these passages and facts, and its citations (no budget applied); the first
    ``matching`` facts are the ones the question asks about."""
    citations, cited = _citations(passages, facts)
    lines: list[str] = []
    if facts:
        lines.append(MATCHING if matching else f"{MATCHING} none")
        for position, fact in enumerate(facts):
            if position == matching:
                lines.append(OTHERS)
            marks = "".join(f"[{n}]" for n in cited[position])
            lines.append(f"{fact.triple} {marks}".rstrip())
    if passages:
        lines.append("Passages:")
        for number, passage in enumerate(passages, 1):
            lines.append(f"[{number}] {_heading(passage)}{_clean(passage.text)}")
    return "\n".join(lines), citations


def _truncated(passage: Passage, fits: Callable[[Passage], bool]) -> Passage | None:
    """The longest word prefix of the passage that still fits (at least a few words), else None."""
    words = _clean(passage.text).split(" ")
    low, high, best = _MIN_WORDS, len(words) - 1, None
    while low <= high:
        middle = (low + high) // 2
        candidate = passage.model_copy(update={"text": " ".join(words[:middle]) + _ELLIPSIS})
        if fits(candidate):
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def build_context(
    question: str,
    passages: Sequence[Passage],
    facts: Sequence[Fact],
    *,
    token_budget: int,
    count_tokens: CountTokens,
) -> Context:
    """The context for ``question``: facts first, those the question asks about before the others, then
    passages, each in the order given, while they fit.

    Items are taken greedily, facts before passages; a passage too long for what is left is cut at a word
    boundary (marked with "…") when at least a few words fit. The text never exceeds ``token_budget`` tokens
    as ``count_tokens`` counts them.

    Each candidate text is measured as the sum of its lines' counts, each line counted once (a WordPiece
    tokenizer, the embedder's, never joins tokens across a line break, so the sum is the exact count), which spares
    rendering and counting the whole text for every candidate. Should the whole text count more than
    the budget (a tokenizer that does join across lines), the choice is made again counting whole texts.
    """
    words = QuestionWords.of(question)
    ordered, asked = _asked_first(words, facts)
    for measure in (_by_lines(count_tokens), count_tokens):  # the second only when the first overshot
        chosen_passages, chosen_facts, matching = _choose(ordered, asked, passages, token_budget, measure)
        text, citations = render_context(chosen_passages, chosen_facts, matching=matching)
        tokens = count_tokens(text) if text else 0
        if tokens <= token_budget:
            break
    unnamed = list(dict.fromkeys(end for fact in chosen_facts[:matching] for end in unnamed_ends(words, fact)))
    return Context(
        question=question,
        text=text,
        citations=citations,
        passages=chosen_passages,
        facts=chosen_facts,
        matching=matching,
        unnamed=unnamed,
        tokens=tokens,
    )


def _asked_first(words: QuestionWords, facts: Sequence[Fact]) -> tuple[list[Fact], int]:
    """The facts the question asks about, then the others, each in the order given; and how many are asked."""
    flags = [asks_about(words, fact) for fact in facts]
    asked = [fact for fact, flag in zip(facts, flags, strict=True) if flag]
    return [*asked, *(fact for fact, flag in zip(facts, flags, strict=True) if not flag)], len(asked)


def _by_lines(count_tokens: CountTokens) -> CountTokens:
    """A measure of a text as the sum of its lines' counts, ``count_tokens`` called once per distinct line."""
    lines: dict[str, int] = {}

    def by_lines(text: str) -> int:
        total = 0
        for line in text.split("\n"):
            if (count := lines.get(line)) is None:
                count = lines[line] = count_tokens(line)
            total += count
        return total

    return by_lines


def _choose(
    ordered: Sequence[Fact], asked: int, passages: Sequence[Passage], token_budget: int, measure: CountTokens
) -> tuple[list[Passage], list[Fact], int]:
    """The greedy choice of :func:`build_context` with ``measure`` counting tokens: the passages (some cut), the
    facts, and how many of those are the asked ones (the first ``asked`` of ``ordered``)."""
    chosen_facts: list[Fact] = []
    chosen_passages: list[Passage] = []
    matching = 0

    def fits(extra_facts: Sequence[Fact] = (), extra_passages: Sequence[Passage] = (), *, more: int = 0) -> bool:
        text, _ = render_context(
            [*chosen_passages, *extra_passages], [*chosen_facts, *extra_facts], matching=matching + more
        )
        return measure(text) <= token_budget

    for position, fact in enumerate(ordered):
        is_asked = position < asked
        if fits(extra_facts=[fact], more=int(is_asked)):
            chosen_facts.append(fact)
            matching += int(is_asked)
    for passage in passages:
        if fits(extra_passages=[passage]):
            chosen_passages.append(passage)
        elif (cut := _truncated(passage, lambda p: fits(extra_passages=[p]))) is not None:
            chosen_passages.append(cut)
    return chosen_passages, chosen_facts, matching
