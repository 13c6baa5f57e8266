"""A question's cleaning, and what loading the package costs a command that only cleans questions or reads types."""

from __future__ import annotations

import subprocess
import sys

import pytest

import trellis.retrieval
from trellis.retrieval import EmptyQuestionError, QuestionTooLongError
from trellis.retrieval.questions import clean_question


def test_a_question_loses_its_control_characters_and_surrounding_space() -> None:
    assert clean_question("  What is\x00 the capital\x07 of Albania?\n", max_chars=100) == (
        "What is  the capital  of Albania?"
    )
    assert clean_question("  x  ", max_chars=1) == "x"


@pytest.mark.parametrize("question", ["", " \n\t", "\x00\x01", None, 42])
def test_an_empty_or_non_text_question_is_refused(question: object) -> None:
    with pytest.raises(EmptyQuestionError):
        clean_question(question, max_chars=100)  # type: ignore[arg-type]


def test_a_long_question_is_refused_with_its_length_and_the_limit() -> None:
    with pytest.raises(QuestionTooLongError, match="2,001 characters long; the limit is 2,000"):
        clean_question("a" * 2_001, max_chars=2_000)


def test_the_entry_point_is_the_function_even_after_its_module_is_imported() -> None:
    import trellis.retrieval.retriever as module

    assert trellis.retrieval.answer is module.answer and callable(trellis.retrieval.answer)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        trellis.retrieval.nothing  # noqa: B018


def test_types_and_the_documents_service_load_no_model_library() -> None:
    heavy = ("spacy", "torch", "sentence_transformers", "transformers", "langchain_core")
    script = (
        "import sys, trellis.retrieval.types, trellis.retrieval.questions, trellis.api.services.documents\n"
        f"print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == ""
