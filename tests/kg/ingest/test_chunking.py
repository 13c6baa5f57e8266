"""Chunking: offsets, the token bound (real all-MiniLM tokenizer), overlap, long sentences, stable ids."""

from __future__ import annotations

from itertools import pairwise

import pytest

from trellis.kg.errors import ConfigurationError, IngestError
from trellis.kg.ingest.chunking import (
    Chunker,
    TokenCounter,
    chunk_document,
    embedder_token_counter,
    section_headings,
    sentence_spans,
)
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, Document, chunk_id, document_of

ALBANIA = """\
Albania is a country in Southeastern Europe. It is located on the Adriatic and Ionian Seas within the \
Mediterranean Sea. Tirana is the capital of Albania and its largest city. Other major cities include Durrës, \
Vlorë, Shkodër and Elbasan.

Albania shares land borders with Montenegro to the northwest, Kosovo to the northeast, \
North Macedonia to the east and Greece to the south. The country has a Mediterranean climate \
in the west and a continental climate in the east.

History
In antiquity the area was inhabited by Illyrian tribes. The Ottoman Empire ruled Albania \
from the fifteenth century until 1912, when Albania declared its independence. After the \
Second World War, it became a communist state; democracy followed in 1991."""


def words(text: str) -> int:
    """A transparent counter for tests that reason about exact numbers: one token per word."""
    return len(text.split())


def document(text: str, doc_id: str = "doc-1") -> Document:
    return Document(id=doc_id, source="test", title="t", text=text, sha256="0")


def assert_well_formed(doc: Document, chunks: list[Chunk], max_tokens: int, count: TokenCounter) -> None:
    assert [c.index for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert c.text == doc.text[c.start : c.end]
        assert c.text == c.text.strip() and c.text
        assert c.document_id == doc.id
        assert c.tokens == count(c.text) <= max_tokens
    starts = [c.start for c in chunks]
    assert starts == sorted(set(starts))
    # Nothing lost: every non-space character lies in some chunk.
    covered = {i for c in chunks for i in range(c.start, c.end)}
    assert all(i in covered for i, ch in enumerate(doc.text) if not ch.isspace())


@pytest.fixture(scope="module")
def minilm() -> TokenCounter:
    return embedder_token_counter()


@pytest.mark.parametrize(("max_tokens", "overlap"), [(24, 0), (40, 12), (200, 32)])
def test_offsets_and_token_bound_with_the_embedder_tokenizer(
    minilm: TokenCounter, max_tokens: int, overlap: int
) -> None:
    doc = document(ALBANIA)
    chunks = chunk_document(doc, max_tokens=max_tokens, overlap_tokens=overlap, count_tokens=minilm)
    assert chunks
    assert_well_formed(doc, chunks, max_tokens, minilm)
    if max_tokens == 200:
        assert len(chunks) == 1 and chunks[0].text == ALBANIA.strip()


def test_chunks_end_at_sentence_ends(minilm: TokenCounter) -> None:
    doc = document(ALBANIA)
    ends = {end for _, end in sentence_spans(ALBANIA)}
    chunks = chunk_document(doc, max_tokens=40, overlap_tokens=0, count_tokens=minilm)
    assert len(chunks) > 2
    assert all(c.end in ends for c in chunks)


def test_blank_lines_end_sentences() -> None:
    text = "History\n\nIn antiquity the area was inhabited by Illyrian tribes"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "History",
        "In antiquity the area was inhabited by Illyrian tribes",
    ]


def test_overlap_repeats_whole_trailing_sentences() -> None:
    sentences = [f"Sentence number {n} has six words." for n in range(10)]  # 6 tokens each
    doc = document(" ".join(sentences))
    chunks = chunk_document(doc, max_tokens=20, overlap_tokens=7, count_tokens=words)
    assert_well_formed(doc, chunks, 20, words)
    assert [c.text.count("Sentence") for c in chunks] == [3, 3, 3, 3, 2]
    for previous, nxt in pairwise(chunks):
        shared = doc.text[nxt.start : previous.end]
        assert shared == previous.text.split(". ")[-1]  # exactly the last sentence, 6 tokens <= 7
        assert words(shared) <= 7


def test_no_overlap_when_zero() -> None:
    doc = document(" ".join(f"Sentence number {n} has six words." for n in range(6)))
    chunks = chunk_document(doc, max_tokens=12, overlap_tokens=0, count_tokens=words)
    assert [c.text.count("Sentence") for c in chunks] == [2, 2, 2]
    assert all(a.end < b.start for a, b in pairwise(chunks))


def test_long_sentence_is_cut_at_word_boundaries(minilm: TokenCounter) -> None:
    sentence = " ".join(f"word{n}" for n in range(300)) + "."
    doc = document(f"A short opening. {sentence} A short close.")
    chunks = chunk_document(doc, max_tokens=32, overlap_tokens=8, count_tokens=minilm)
    assert_well_formed(doc, chunks, 32, minilm)
    assert len(chunks) > 10
    for c in chunks:
        assert c.start == 0 or doc.text[c.start - 1] == " "
        assert c.end == len(doc.text) or doc.text[c.end] == " "


def test_a_word_longer_than_a_chunk_is_cut(minilm: TokenCounter) -> None:
    doc = document("Before. " + "x7q" * 200 + " after.")
    chunks = chunk_document(doc, max_tokens=16, overlap_tokens=0, count_tokens=minilm)
    assert_well_formed(doc, chunks, 16, minilm)


@pytest.mark.parametrize("text", ["", "   \n\n \t "])
def test_empty_text_has_no_chunks(text: str) -> None:
    assert chunk_document(document(text), max_tokens=32, overlap_tokens=4, count_tokens=words) == []


def test_ids_are_stable_and_positional(minilm: TokenCounter) -> None:
    doc = document(ALBANIA, doc_id="wiki/Albania")
    first = chunk_document(doc, max_tokens=40, overlap_tokens=8, count_tokens=minilm)
    again = Chunker(max_tokens=40, overlap_tokens=8, count_tokens=minilm).run(doc)
    assert first == again
    assert [c.id for c in first] == [f"wiki/Albania:{i:05d}" for i in range(len(first))]
    assert chunk_id("wiki/Albania", 3) == "wiki/Albania:00003"
    for parent in ("wiki/Albania", "geo:AL:capital", "a:b:00001"):  # the document is read back off the chunk id
        assert document_of(chunk_id(parent, 12)) == parent


@pytest.mark.parametrize(("max_tokens", "overlap"), [(16, 16), (16, 20), (16, -1), (0, 0)])
def test_bad_limits_are_refused(max_tokens: int, overlap: int) -> None:
    with pytest.raises(ConfigurationError, match="TRELLIS_CHUNK_OVERLAP_TOKENS"):
        chunk_document(document("Some text."), max_tokens=max_tokens, overlap_tokens=overlap, count_tokens=words)


def test_chunker_from_settings_counts_with_the_embedder(minilm: TokenCounter) -> None:
    chunker = Chunker.from_settings(Settings(chunk_max_tokens=40, chunk_overlap_tokens=8))
    doc = document(ALBANIA)
    chunks = chunker.run(doc)
    assert_well_formed(doc, chunks, 40, minilm)


def test_a_heading_starts_a_chunk_and_names_its_section(minilm: TokenCounter) -> None:
    text = (
        "Anarchism is a political philosophy. It is old.\n\nEtymology and terminology\n\n"
        "The term comes from the Greek. It means without rulers.\n\nHistory\n\nPeople lived without states."
    )
    chunks = chunk_document(document(text), max_tokens=200, overlap_tokens=32, count_tokens=minilm)
    assert [(c.section, c.text) for c in chunks] == [
        (None, "Anarchism is a political philosophy. It is old."),
        ("Etymology and terminology", "The term comes from the Greek. It means without rulers."),
        ("History", "People lived without states."),
    ]
    assert all(c.text == text[c.start : c.end] for c in chunks)
    assert section_headings(text) == [(49, 74, "Etymology and terminology"), (133, 140, "History")]


@pytest.mark.parametrize(
    "text",
    [
        "One short line.\n\nA paragraph of prose that follows it.",  # ends with a full stop: a sentence
        "A paragraph.\n\nThe last line",  # nothing follows: no heading
        "lower case start\n\nA paragraph of prose.",
        "A line of more than ten words is a sentence without its full stop at all\n\nMore.",
    ],
)
def test_lines_that_are_no_headings_stay_text(text: str, minilm: TokenCounter) -> None:
    assert section_headings(text) == []
    chunks = chunk_document(document(text), max_tokens=200, overlap_tokens=32, count_tokens=minilm)
    assert all(c.section is None for c in chunks) and "".join(c.text for c in chunks).replace(" ", "")


def test_a_document_past_the_chunk_limit_is_refused_and_the_limit_can_be_lifted() -> None:
    text = "\n\n".join(f"Town {n} lies on river {n} in the province of Vestmark." for n in range(200))
    small = Chunker(max_tokens=16, overlap_tokens=0, count_tokens=words, max_chunks=150)
    with pytest.raises(IngestError, match="more than the limit of 150 per document; raise TRELLIS_MAX_DOCUMENT_CHUNKS"):
        small.run(document(text))
    with pytest.raises(IngestError, match="words make more than 5 chunks"):  # refused before any chunking work
        Chunker(max_tokens=16, overlap_tokens=0, count_tokens=words, max_chunks=5).run(document(text))
    lifted = Chunker(max_tokens=16, overlap_tokens=0, count_tokens=words, max_chunks=1_000)
    assert len(lifted.run(document(text))) > 150


def test_a_document_that_repeats_itself_is_refused() -> None:
    chunker = Chunker(max_tokens=16, overlap_tokens=4, count_tokens=words)
    with pytest.raises(IngestError, match="repeats itself"):
        chunker.run(document("spam " * 5_000))
    assert len(chunker.run(document("\n\n".join(f"Line {n} of a real list." for n in range(300))))) >= 50
