"""The extractive generator on hand-made contexts: facts, two-fact chains, sentences, and "not in the graph"."""

from __future__ import annotations

from trellis.retrieval.context import build_context
from trellis.retrieval.generators import NOT_IN_GRAPH, ExtractiveGenerator, Generation, Generator
from trellis.retrieval.generators.extractive import expected_types
from trellis.retrieval.types import Evidence, Fact, LinkedEntity, Passage

BALKANS = Passage(
    chunk_id="doc-b:0", document_id="doc-b", title="Capitals of the Balkans",
    text="Tirana is the capital of Albania. Belgrade is the capital of Serbia. The currency of Albania is the lek.",
)  # fmt: skip
RIVERS = Passage(chunk_id="doc-r:0", document_id="doc-r", text="The Danube flows through Vienna and Belgrade.")


def _fact(
    subject: str, predicate: str, obj: str, chunk: Passage, types: tuple[str, str] = ("Location", "Location")
) -> Fact:
    return Fact(
        subject_id=subject, subject=subject, predicate=predicate, object_id=obj, object=obj, confidence=0.8,
        subject_type=types[0], object_type=types[1],
        evidence=[Evidence(chunk_id=chunk.chunk_id, document_id=chunk.document_id)],
    )  # fmt: skip


FACTS = [
    _fact("Tirana", "CAPITAL_OF", "Albania", BALKANS),
    _fact("Belgrade", "CAPITAL_OF", "Serbia", BALKANS),
    _fact("Danube", "FLOWED_THROUGH", "Belgrade", RIVERS),
    _fact("Einstein", "BORN_IN", "1879", RIVERS, ("Person", "Date")),
    _fact("Einstein", "BORN_IN", "Ulm", RIVERS, ("Person", "Location")),
]


def _entity(name: str) -> LinkedEntity:
    return LinkedEntity(id=name, name=name, type="Location", score=1.0, mention=name)


def _answer(question: str, *names: str) -> Generation:
    context = build_context(question, [BALKANS, RIVERS], FACTS, token_budget=500, count_tokens=lambda t: len(t.split()))
    return ExtractiveGenerator().generate(question, context, entities=[_entity(n) for n in names])


def test_it_is_a_generator() -> None:
    assert isinstance(ExtractiveGenerator(), Generator) and ExtractiveGenerator.name == "extractive"


def test_a_fact_answers_with_its_citation() -> None:
    generation = _answer("What is the capital of Albania?", "Albania")
    assert generation.answerable and generation.text.startswith("Tirana.") and generation.span == "Tirana"
    assert generation.citations == [1] and generation.facts[0].subject == "Tirana", "the agreeing fact is used"
    alone = ExtractiveGenerator().generate(  # with no sentence saying it, the fact itself answers
        "What is the capital of Albania?",
        build_context("What is the capital of Albania?", [], FACTS, token_budget=500, count_tokens=len),
        entities=[_entity("Albania")],
    )
    assert alone.span == "Tirana" and "(Tirana) -[CAPITAL_OF]-> (Albania)" in alone.text


def test_two_facts_chain_through_a_bridge_entity() -> None:
    generation = _answer("Which river flows through the capital of Serbia?", "Serbia")
    assert generation.answerable and generation.text.startswith("Danube.")
    assert generation.citations == [1, 2] and [f.predicate for f in generation.facts] == [
        "CAPITAL_OF",
        "FLOWED_THROUGH",
    ]


def test_the_question_word_picks_the_kind_of_answer() -> None:
    assert _answer("Where was Einstein born?", "Einstein").text.startswith("Ulm.")
    assert _answer("When was Einstein born?", "Einstein").text.startswith("1879.")
    assert expected_types("How many people live there?") == frozenset({"Quantity"})
    assert expected_types("What is it?") is None


def test_a_sentence_answers_when_no_fact_does() -> None:
    generation = _answer("What is the currency of Albania?", "Albania")
    assert generation.answerable and generation.span == "lek"
    assert generation.text == 'lek. "The currency of Albania is the lek." [1]', "the span, its sentence, its citation"


def test_nothing_relevant_is_not_in_the_graph() -> None:
    for question, names in [("What is the capital of Japan?", ()), ("What is the currency of Serbia?", ("Serbia",))]:
        generation = _answer(question, *names)
        assert not generation.answerable and generation.text == NOT_IN_GRAPH and generation.citations == []
        assert "not in the graph" in generation.text.lower()
    assert not _answer("???").answerable


def _from_sentences(question: str, title: str, text: str) -> Generation:
    passage = Passage(chunk_id="doc-t:0", document_id="doc-t", title=title, text=text)
    context = build_context(question, [passage], [], token_budget=500, count_tokens=lambda t: len(t.split()))
    return ExtractiveGenerator().generate(question, context)


def test_a_number_written_as_a_word_counts_what_the_question_asks_about() -> None:
    text = "The nose contains nine olfactory bulbs, more than any other mammal. Dogs have 4 to 5 turbinate bones."
    generation = _from_sentences("How many olfactory bulbs are in an aardvark's nose?", "Aardvark", text)
    assert generation.answerable and generation.span is not None and "nine" in generation.span


def test_the_name_beside_the_asked_noun_answers_whatever_the_ner_calls_it() -> None:
    text = (
        "Alberta's capital Edmonton is near the geographic centre of the province. "
        "About 300 km south of the capital is Calgary, the largest city in Alberta."
    )
    assert _from_sentences("What is the capital of Alberta?", "Alberta", text).span == "Edmonton"


def test_a_span_of_years_is_no_date() -> None:
    text = "He settled permanently in Frankfurt in 1833, where he remained for the next twenty-seven years."
    assert _from_sentences("In what year did Schopenhauer settle in Frankfurt?", "Arthur Schopenhauer", text).span == (
        "1833"
    )


def test_a_short_form_is_held_by_the_words_it_stands_for() -> None:
    text = "In the United States, the abstract of a patent may be called the Abstract of the Disclosure."
    question = "In US patent law, what may the abstract of a patent be called?"
    assert _from_sentences(question, "Abstract (law)", text).answerable
    dotted = "The U.S. Patent Office was established in 1790."
    assert _from_sentences("When was the US Patent Office established?", "Patents", dotted).span == "1790"
    assert _from_sentences("When was the U.S. Patent Office established?", "Patents", dotted).span == "1790"
    ocean = "In the Indian Ocean, the moon of the story was first seen in 1610."
    assert not _from_sentences("When was Io first seen?", "Moons", ocean).answerable, "a name is not a short form"
    assert _from_sentences("When was the IO moon first seen?", "Moons", ocean).answerable


def test_names_a_comma_separates_are_each_held_and_a_question_with_no_names_is_answered() -> None:
    text = "His last descendant, great-grandson Robert Todd Lincoln Beckwith, died in 1985."
    question = "In what year did Robert Todd Lincoln Beckwith, Abraham Lincoln's last descendant, die?"
    assert _from_sentences(question, "Abraham Lincoln", text).span == "1985"
    text = "Peleus entrusted Achilles to Chiron the Centaur, on Mt. Pelion, to be reared."
    assert _from_sentences("Which centaur reared Achilles on Mount Pelion?", "Achilles", text).span == (
        "Chiron the Centaur"
    )
    text = "Van den Broek first formally suggested that the central charge of an atom equals its place in the table."
    generation = _from_sentences(
        "Who first suggested that an atom's charge equals its place in the table?", "Atom", text
    )
    assert generation.answerable, "a question written with no names is not taken for one about an unknown name"
