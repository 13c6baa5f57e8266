"""A passage's sentences: split after a full stop before a capital, but not after an initial or an abbreviation."""

from __future__ import annotations

from trellis.retrieval.sentences import sentences


def test_abbreviations_and_initials_end_no_sentence() -> None:
    text = "Peleus entrusted Achilles to Chiron, on Mt. Pelion. J. R. R. Tolkien met Dr. Smith   there. It rained!"
    assert sentences(text) == [
        "Peleus entrusted Achilles to Chiron, on Mt. Pelion.",
        "J. R. R. Tolkien met Dr. Smith there.",
        "It rained!",
    ]
    assert sentences("") == []
