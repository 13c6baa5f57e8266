"""Who a sentence's "he" or "she" is, read off a real spaCy parse of the sentences before it."""

from __future__ import annotations

from spacy.language import Language

from trellis.retrieval.generators.antecedents import antecedents, personal_subject


def test_only_a_personal_subject_needs_an_antecedent(nlp: Language) -> None:
    found = personal_subject(nlp("On 28 October 1892, he projected the first animation in public."))
    assert found is not None and found.text == "he"
    assert personal_subject(nlp("The crowd watched him project the first animation.")) is None, "an object"
    assert personal_subject(nlp("It was projected at the Musée Grévin.")) is None, "not a person"


def test_the_antecedent_is_the_last_named_subject_before_the_sentence(nlp: Language) -> None:
    before = [
        "The first animated projection was created in France by Charles-Émile Reynaud, a science teacher. "
        "Reynaud created the Praxinoscope in 1877.",
        None,
        "Theories of motion were debated for centuries.",
    ]
    found = antecedents(before, nlp)
    assert found[0] is not None and "Reynaud" in found[0], "the named subject, not the Praxinoscope"
    assert found[1] is None, "no sentence to look back from"
    assert found[2] is None, "a sentence before it whose subject is no name leaves the pronoun unresolved"
