"""Generators: turn a question and its context into a cited answer, behind one interface.

``extractive`` quotes a fact or sentence (no model) and decides by its own threshold when to say "not in the graph";
``local`` runs a Hugging Face causal LM (default the packaged SmolLM2-135M-Instruct, optionally a LoRA adapter);
``openai`` and ``langchain`` call a chat model. A language model decides for itself whether the context answers:
the :class:`AnswerabilityGate` in front of it stops only a context that holds nothing about the question.
"""

from trellis.kg.settings import Settings
from trellis.retrieval.generators.base import NOT_IN_GRAPH, Generation, Generator, StreamingGenerator
from trellis.retrieval.generators.chat import ChatModelGenerator
from trellis.retrieval.generators.extractive import ExtractiveGenerator
from trellis.retrieval.generators.gate import AnswerabilityGate
from trellis.retrieval.generators.local_lm import LocalLMGenerator

__all__ = [
    "NOT_IN_GRAPH",
    "AnswerabilityGate",
    "ChatModelGenerator",
    "ExtractiveGenerator",
    "Generation",
    "Generator",
    "LocalLMGenerator",
    "StreamingGenerator",
    "make_generator",
]


def make_generator(settings: Settings) -> Generator:
    """The generator ``settings.generator`` names: extractive (default), local, openai or langchain."""
    if settings.generator == "local":
        return LocalLMGenerator(settings)
    if settings.generator in ("openai", "langchain"):
        return ChatModelGenerator(settings)
    return ExtractiveGenerator(spacy_model=settings.spacy_model)
