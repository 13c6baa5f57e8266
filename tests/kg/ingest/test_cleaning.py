"""Text cleaning: one Unicode form, no control characters, whitespace collapsed, paragraphs kept."""

from __future__ import annotations

import pytest

from trellis.kg.ingest.loaders.cleaning import clean_text, unwrap_lines


def test_nfkc_folds_compatibility_characters() -> None:
    full_width = "\uff34\uff29\uff32\uff21\uff2e\uff21"  # TIRANA in full-width letters
    assert clean_text(f"\ufb01nance in {full_width}") == "finance in TIRANA"


def test_nfc_keeps_compatibility_characters_but_composes_accents() -> None:
    assert clean_text("ﬁ", form="NFC") == "ﬁ"
    assert clean_text("Gjirokaste\u0308r", form="NFC") == "Gjirokast\u00ebr"


def test_control_characters_are_removed() -> None:
    assert clean_text("Tir\x00ana\x07 is\x1b the\x7f capital\x9b.") == "Tirana is the capital."


def test_invisible_format_characters_are_removed() -> None:
    assert clean_text("\ufeffAlba\u00adnia\u200b") == "Albania"


def test_zero_width_joiner_survives() -> None:
    assert "\u200d" in clean_text("a\u200db")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tirana   is\t\tthe capital", "Tirana is the capital"),
        ("non\u00a0breaking\u2003spaces", "non breaking spaces"),
        ("  leading and trailing  \n\n", "leading and trailing"),
        ("line one   \n   line two", "line one\nline two"),
        ("windows\r\nline\rends", "windows\nline\nends"),
    ],
)
def test_whitespace_is_collapsed(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "first paragraph\n\n\n\nsecond paragraph",
        "first paragraph\n  \n\t\n second paragraph",
        "first paragraph\fsecond paragraph",
        "first paragraph\u2029second paragraph",
        "first paragraph\r\n\r\nsecond paragraph",
    ],
)
def test_paragraph_breaks_survive_as_one_blank_line(raw: str) -> None:
    assert clean_text(raw) == "first paragraph\n\nsecond paragraph"


def test_line_separators_become_newlines() -> None:
    assert clean_text("one\u2028two\x85three\vfour") == "one\ntwo\nthree\nfour"


def test_cleaning_is_idempotent() -> None:
    raw = " ﬁrst\t line \r\n\r\n\r\n second\x00 para\u00adgraph \f third "
    once = clean_text(raw)
    assert clean_text(once) == once
    assert once == "first line\n\nsecond paragraph\n\nthird"


def test_nothing_but_whitespace_cleans_to_empty() -> None:
    assert clean_text(" \n\t\r\n \u00a0\u200b ") == ""


def test_unwrap_lines_joins_wrapped_lines_and_mends_hyphenation() -> None:
    text = "Albania is a coun-\ntry in Southeastern\nEurope.\n\nIts capital is Tirana."
    assert unwrap_lines(text) == "Albania is a country in Southeastern Europe.\n\nIts capital is Tirana."
