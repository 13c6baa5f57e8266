"""The picture of an answer's subgraph is a real PNG with the answer's entities in it."""

from __future__ import annotations

from pathlib import Path

from trellis.retrieval import Retriever
from trellis.retrieval.drawing import draw_answer


def test_answer_subgraph_is_drawn(retriever: Retriever, tmp_path: Path) -> None:
    answer = retriever.answer("What is the capital of Albania?")
    assert any(node.name == "Tirana" for node in answer.subgraph.nodes)
    path = draw_answer(answer, tmp_path / "answer.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 20_000


def test_an_unanswerable_question_still_gets_a_picture(retriever: Retriever, tmp_path: Path) -> None:
    answer = retriever.answer("What is the capital of Japan?")
    assert draw_answer(answer, tmp_path / "none.png").stat().st_size > 5_000
