"""Which context sentences match a question, read through the sentence of another article that leads to theirs."""

from __future__ import annotations

from spacy.language import Language

from trellis.retrieval.context import build_context
from trellis.retrieval.generators.spans import candidates, matching_sentences
from trellis.retrieval.types import Context, Passage

_MISSIONS = Passage(
    chunk_id="apollo-8:0",
    document_id="apollo-8",
    title="Apollo 8",
    text=(
        "Apollo 11 was planned later that year. "
        "After his backup role, Aldrin went on to fly as lunar module pilot on Apollo 11, which Armstrong commanded."
    ),
)
_LANDING = Passage(
    chunk_id="apollo-11:0",
    document_id="apollo-11",
    title="Apollo 11",
    text="The command module was named Columbia.",
)


def _context(question: str) -> Context:
    return build_context(question, [_MISSIONS, _LANDING], [], token_budget=500, count_tokens=lambda t: len(t.split()))


def test_a_passage_is_read_through_the_sentence_naming_its_article_that_best_matches_the_question() -> None:
    question = (
        "Aldrin flew as lunar module pilot on the mission Armstrong commanded. What was its command module called?"
    )
    matches = {m.text: m for m in matching_sentences(question, _context(question))}
    columbia = matches["The command module was named Columbia."]
    assert columbia.via is not None and "Aldrin went on" in columbia.via[0], "the first sentence naming it says less"
    lead = matches[_MISSIONS.text.split(". ", 1)[1]]
    assert lead.leads_to == ("Apollo 11",), "the sentence that leads to the article knows it names the bridge"


def test_an_article_the_question_names_is_read_on_its_own_not_through_another() -> None:
    question = "What was the command module of Apollo 11, which Armstrong commanded, called?"
    matches = {m.text: m for m in matching_sentences(question, _context(question))}
    columbia = matches["The command module was named Columbia."]
    assert columbia.via is None, "the question names Apollo 11: its article needs no sentence leading to it"
    assert columbia.words > 0, "it matches by its own words and its title"


def test_a_sentence_about_he_or_she_holds_the_name_its_pronoun_stands_for(nlp: Language) -> None:
    periodic = Passage(
        chunk_id="periodic:0",
        document_id="periodic",
        title="Periodic table",
        text=(
            "Dmitri Mendeleev published a periodic table in 1869. "
            "However, he placed tellurium ahead of iodine in consideration of their chemical properties."
        ),
    )
    question = "Which element did Mendeleev place ahead of iodine?"
    context = build_context(question, [periodic], [], token_budget=500, count_tokens=lambda t: len(t.split()))
    found = candidates(question, matching_sentences(question, context), nlp, expected=None)
    tellurium = [c for c, _ in found if c.text == "tellurium"]
    assert tellurium and tellurium[0].support > 0, "Mendeleev is the sentence's 'he', so it is about him"
