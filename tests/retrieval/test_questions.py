"""A question's cleaning, and what loading the package costs a command that only cleans questions or reads types."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import MODEL_LIBRARIES, refused_cli
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


def test_types_and_the_documents_service_load_no_model_library() -> None:
    script = (
        "import sys, trellis.retrieval.types, trellis.retrieval.questions, trellis.api.services.documents\n"
        f"print(' '.join(m for m in {MODEL_LIBRARIES!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == ""


def test_the_command_line_refuses_an_empty_question_without_loading_a_model_library() -> None:
    code, loaded, stderr = refused_cli("ask", "   ")
    assert "the question is empty" in stderr
    assert (code, loaded) == (1, [])
