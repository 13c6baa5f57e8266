"""A question's cleaning, and what loading the package costs a command that only cleans questions or reads types."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.support import REPO
from trellis.retrieval import EmptyQuestionError, QuestionTooLongError
from trellis.retrieval.questions import clean_question

HEAVY = ("spacy", "torch", "sentence_transformers", "transformers", "langchain_core")


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


def _declared_homes() -> dict[str, str]:
    """Each public name of ``trellis.retrieval`` and the module its type-checking import names."""
    tree = ast.parse((REPO / "retrieval" / "__init__.py").read_text(encoding="utf-8"))
    return {
        alias.name: node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("trellis.retrieval.")
        for alias in node.names
    }


def test_every_public_name_is_the_object_its_module_defines_in_a_fresh_process() -> None:
    """Loaded lazily after the submodules are imported (as a program importing the retriever does), each name is
    the object of the module the type checker is told, never a submodule of the same name."""
    homes = _declared_homes()
    script = (
        "import importlib, sys, types, trellis.retrieval.retriever, trellis.retrieval.generators\n"
        "import trellis.retrieval as package\n"
        f"homes = {homes!r}\n"
        "assert sorted(homes) == sorted(package.__all__), sorted(set(homes) ^ set(package.__all__))\n"
        "for name, home in homes.items():\n"
        "    value = getattr(package, name)\n"
        "    assert not isinstance(value, types.ModuleType), name\n"
        "    assert value is getattr(importlib.import_module(home), name), (name, home)\n"
        "print(len(homes))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(homes) > 20
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        import trellis.retrieval

        trellis.retrieval.nothing  # noqa: B018


def test_types_and_the_documents_service_load_no_model_library() -> None:
    script = (
        "import sys, trellis.retrieval.types, trellis.retrieval.questions, trellis.api.services.documents\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == ""


def test_the_command_line_refuses_an_empty_question_without_loading_a_model_library() -> None:
    script = (
        "import sys\n"
        "from trellis.api.cli.app import main\n"
        "sys.argv = ['trellis', 'ask', '   ']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        f"    print(exit.code, ' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert "the question is empty" in done.stderr
    assert done.stdout.split() == ["1"], done.stdout
