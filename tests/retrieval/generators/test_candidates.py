"""Candidate answers of a sentence and their features, read off a real spaCy parse."""

from __future__ import annotations

from spacy.language import Language

from trellis.retrieval.generators.answer_types import expected_types
from trellis.retrieval.generators.candidates import (
    FEATURES,
    Asked,
    Candidate,
    Sentence,
    asked_of,
    candidates_of,
    positions,
)
from trellis.retrieval.ranking import content_words


def _judged(nlp: Language, question: str, text: str, *, pages: tuple[str, ...] = ()) -> list[Candidate]:
    """Every candidate of ``text`` (parsed for real), judged against ``question``, in the order found."""
    asked = asked_of(question, expected=expected_types(question), pages=pages)
    sentence = Sentence(
        doc=nlp(text), words=0.8, meaning=0.6, rank=0, led=False, names_held=1.0, aside=False,
        anchors=positions(text, asked.words),
    )  # fmt: skip
    return candidates_of(sentence, asked)


def _candidates(nlp: Language, question: str, text: str, *, pages: tuple[str, ...] = ()) -> dict[str, Candidate]:
    found: dict[str, Candidate] = {}
    for candidate in _judged(nlp, question, text, pages=pages):  # a named entity first, its noun chunk after
        found.setdefault(candidate.text, candidate)
    return found


def test_every_candidate_has_every_feature_and_says_something_new(nlp: Language) -> None:
    found = _candidates(nlp, "Where was Einstein born?", "Einstein was born in Ulm in 1879.")
    assert "Ulm" in found and "Einstein" not in found, "a candidate that only repeats the question is no answer"
    for candidate in found.values():
        assert set(candidate.features) == set(FEATURES) and 0 < candidate.support <= 1.2
    assert found["Ulm"].features["type_asked"] == 1.0 and found["1879"].features["type_off"] == 1.0
    assert found["Ulm"].support > found["1879"].support


def test_the_noun_asked_for_joins_its_name_in_the_parse(nlp: Language) -> None:
    question = "What was the name of the school Aristotle founded?"
    found = _candidates(nlp, question, "Aristotle founded a school, the Lyceum.")
    lyceum = found["Lyceum"].features
    assert lyceum["carries_noun"] == 1.0 and lyceum["joined_noun"] == 1.0 and lyceum["apposition"] == 1.0


def test_a_count_of_the_things_asked_for_is_none_of_them(nlp: Language) -> None:
    question = "Which of the stable alkali metals has a golden tint?"
    text = (
        "The stable alkali metals are all silver-coloured metals except for caesium, which has a golden tint: "
        "it is one of only three metals that are clearly coloured."
    )
    found = _candidates(nlp, question, text)
    assert found["only three metals"].features["type_off"] == 1.0 and found["caesium"].features["carries_noun"] == 1.0
    assert found["caesium"].support > found["only three metals"].support
    amendment = _candidates(nlp, "Which amendment abolished slavery?", "The Thirteenth Amendment abolished slavery.")
    assert amendment["Thirteenth Amendment"].features["type_off"] == 0.0, "an ordinal is no count"


def test_a_date_is_none_of_the_things_a_what_question_asks_for(nlp: Language) -> None:
    question = "What class of patrol vessels was the navy reported to be buying from Brazil?"
    found = _candidates(nlp, question, "In September 2014 the navy was reported to buy seven Macaé-class vessels.")
    assert found["September 2014"].features["type_off"] == 1.0
    assert found["Macaé-class"].features["carries_noun"] == 1.0
    assert found["Macaé-class"].support > found["September 2014"].support


def test_a_date_or_a_number_is_no_thing_a_what_question_asks_for(nlp: Language) -> None:
    question = "What is the oldest counting board discovered so far?"
    text = "The Salamis Tablet dates back to 300 BC, making it the oldest counting board discovered so far."
    judged = _judged(nlp, question, text)
    dated = [c for c in judged if c.text == "300 BC"]
    assert dated and all(c.type == "Date" and c.features["type_off"] == 1.0 for c in dated), "its noun chunk too"
    assert _candidates(nlp, question, text)["Salamis Tablet"].features["type_off"] == 0.0
    asked = _candidates(nlp, "When was the Salamis Tablet made?", text)
    assert asked["300 BC"].features["type_asked"] == 1.0


def test_the_head_of_a_compound_is_the_noun_asked_for(nlp: Language) -> None:
    text = "The state tree is the longleaf pine, and the state flower is the camellia."
    found = _candidates(nlp, "What is the state flower of Alabama?", text, pages=("Alabama",))
    assert found["camellia"].features["joined_noun"] == 1.0 and found["state tree"].features["joined_noun"] == 0.0
    assert all(c.features["type_off"] == 0.0 for c in found.values()), "a flower is of no known kind: no type is off"


def test_the_verb_and_the_parse_tree_tie_a_candidate_to_the_question(nlp: Language) -> None:
    text = "Apollo 8 was launched on December 21, 1968, and it returned on December 27."
    found = _candidates(nlp, "When was Apollo 8 launched?", text)
    launched, returned = found["December 21, 1968"].features, found["December 27"].features
    assert launched["verb_asked"] == 1.0 and returned["verb_asked"] == 0.0
    assert launched["tree_nearness"] > returned["tree_nearness"]
    assert launched["has_year"] == 1.0 and returned["has_year"] == 0.0


def test_an_ordinal_or_number_the_question_says_is_not_a_candidate(nlp: Language) -> None:
    question = "What did Connes introduce in the early 1980s as a first step toward noncommutative geometry?"
    text = "He introduced cyclic cohomology in the early 1980s as a first step in noncommutative geometry."
    found = _candidates(nlp, question, text)
    assert "cyclic cohomology" in found
    assert "first" not in found
    found = _candidates(nlp, "Which of the nine planets has rings?", "Of the nine planets, Saturn has rings.")
    assert "Saturn" in found and "nine" not in found and "nine planets" not in found


def test_a_nationality_said_as_an_adjective_is_no_answer_to_who(nlp: Language) -> None:
    found = _candidates(nlp, "Whom did he name as his executor?", "The Greek philosopher named Antipater executor.")
    assert found["Greek"].type is None and found["Greek"].features["type_off"] == 1.0
    assert _candidates(nlp, "Whom did Sparta fight?", "The Greeks fought the Persians.")["Persians"].type == "Group"


def test_a_span_of_hours_counts_and_a_time_of_day_neither_counts_nor_dates(nlp: Language) -> None:
    found = _candidates(nlp, "Within how many hours must people be arraigned?", "They are arraigned within 24 hours.")
    assert found["24 hours"].type == "Quantity" and found["24 hours"].features["echo"] == 0.0
    found = _candidates(nlp, "When was Apollo 8 launched?", "Apollo 8 launched at 7:51:00 a.m. on December 21, 1968.")
    assert found["December 21, 1968"].type == "Date"
    times = [c for text, c in found.items() if text.startswith("7:51")]
    assert times and all(c.type is None for c in times)


def test_a_person_keeps_the_title_of_rank_before_the_name(nlp: Language) -> None:
    found = _candidates(nlp, "Who is Alberta named after?", "Alberta is named after Princess Louise Caroline Alberta.")
    louise = found["Princess Louise Caroline Alberta"]
    assert louise.type == "Person" and louise.features["from_entity"] == 1.0


def test_a_candidate_naming_a_context_document_is_marked(nlp: Language) -> None:
    found = _candidates(nlp, "Who taught Alexander?", "Aristotle taught Alexander.", pages=("Aristotle",))
    assert found["Aristotle"].features["names_page"] == 1.0


def test_a_candidate_naming_the_document_its_sentence_leads_to_is_the_bridge(nlp: Language) -> None:
    question = "What was that mission's command module called?"
    text = "Armstrong went on to command Apollo 11, where Aldrin was returned to the LMP position."
    words = content_words(question)
    asked = Asked(words=words, expected=None, kind_word=set(), unit=set(), titled=[], said=words)
    sentence = Sentence(
        doc=nlp(text), words=0.5, meaning=0.5, rank=0, led=False, names_held=1.0, aside=False,
        anchors=positions(text, words), leads_to=[content_words("Apollo 11")],
    )  # fmt: skip
    found = {c.text: c.features for c in candidates_of(sentence, asked)}
    assert found["Apollo 11"]["bridge"] == 1.0 and found["Aldrin"]["bridge"] == 0.0


def _sources(nlp: Language, question: str, text: str) -> dict[str, set[str]]:
    """Each candidate's text, with every source that found it."""
    found: dict[str, set[str]] = {}
    for candidate in _judged(nlp, question, text):
        sources = {name for name, value in candidate.features.items() if name.startswith("from_") and value}
        found.setdefault(candidate.text, set()).update(sources)
    return found


def test_quoted_and_named_phrases_are_candidates(nlp: Language) -> None:
    text = 'During the war, the Dutch occupied Luanda as "The Fort Aardenburgh" from 1640 to 1648.'
    assert "from_quote" in _sources(nlp, "Under what name did the Dutch occupy Luanda?", text)["Fort Aardenburgh"]
    text = "Affirming the consequent, sometimes called converse error or fallacy of the converse, is a formal fallacy."
    named = _sources(nlp, "What else is affirming the consequent called?", text)
    assert "from_naming" in named["converse error"] and "from_naming" in named["fallacy of the converse"]
    assert not any(name.startswith("is ") for name in named), "the clause that goes on is no name"
    drug = _sources(nlp, "What is mifepristone also known as?", "The drug mifepristone (also known as RU-486).")
    assert "from_naming" in drug["RU-486"]
    process = "Acids are used to remove rust from metals in a process known as pickling."
    assert "from_naming" in _sources(nlp, "What is the process called?", process)["pickling"], "a gerund names"


def test_a_he_or_she_subject_stands_for_its_antecedent(nlp: Language) -> None:
    question = "Who screened Pauvre Pierrot in Paris?"
    text = "On 28 October 1892, he projected the first animation in public, Pauvre Pierrot, in Paris."
    asked = asked_of(question, expected=expected_types(question))
    sentence = Sentence(
        doc=nlp(text), words=0.8, meaning=0.6, rank=0, led=False, names_held=1.0, aside=False,
        anchors=positions(text, asked.words), antecedent="Reynaud",
    )  # fmt: skip
    found = {c.text: c for c in candidates_of(sentence, asked)}
    assert found["Reynaud"].type == "Person" and found["Reynaud"].features["type_asked"] == 1.0
    assert found["Reynaud"].features["subject"] == 1.0
    assert "Reynaud" not in _candidates(nlp, question, text), "without an antecedent the pronoun names no one"


def test_names_stay_whole_and_possessives_go(nlp: Language) -> None:
    academy = _candidates(
        nlp, "Whose academy did Andre attend?", "At age 13, Andre was sent to Nick Bollettieri's Tennis Academy."
    )
    assert "Nick Bollettieri" in academy and "Nick Bollettieri's" not in academy
    act = _candidates(nlp, "Which act shifted education?", "The Smith-Hughes Act of 1917 shifted education.")
    assert "Smith-Hughes Act" in act
    text = "In 1911 the Dutch physicist Antonius van den Broek suggested it; the aardvark (Orycteropus afer) digs."
    names = _candidates(nlp, "Who suggested it?", text)
    assert "Antonius van den Broek" in names and "Orycteropus afer" in names
    puzzle = _sources(nlp, "How many pieces does the puzzle have?", "They made a 300-piece jigsaw puzzle.")
    assert puzzle["300"] & {"from_number", "from_entity"}, "a number keeps its own span"
    assert not any(text.startswith("300-") and "from_noun_chunk" not in found for text, found in puzzle.items())


def test_numbers_keep_their_marks_and_years_their_era(nlp: Language) -> None:
    text = "Nansen reached a record latitude of 86°14\u2032 in 1895."
    assert "86°14\u2032" in _candidates(nlp, "What latitude did Nansen reach?", text)
    found = _candidates(nlp, "In what year did Alexander arrive?", "Alexander arrived in Afghanistan in 330 BCE.")
    assert found["330 BCE"].type == "Date" and found["330 BCE"].features["type_asked"] == 1.0


def test_an_acronym_is_a_name_whatever_the_parse_tags_it(nlp: Language) -> None:
    question = "Which group is fighting an armed struggle for the independence of Cabinda?"
    text = "note: FLEC is waging a small-scale armed struggle for the independence of Cabinda Province"
    found = _candidates(nlp, question, text)
    assert "FLEC" in found and found["FLEC"].features["from_proper_nouns"] == 1.0


def test_a_name_in_apposition_to_a_noun_of_the_question_is_a_candidate_whatever_the_parse(nlp: Language) -> None:
    question = "What was Ayn Rand's first published novel?"
    text = "Rand's first published novel, the semi-autobiographical We the Living, was published in 1936."
    named = [c for c in _judged(nlp, question, text) if c.features["from_naming"] == 1.0]
    assert [c.text for c in named] == ["semi-autobiographical We the Living"]
    question = "Which autistic woman said she felt like an anthropologist among neurotypicals?"
    text = (
        "She could not read neurotypicals, or people with normal neural development, and felt like an anthropologist."
    )
    assert not [c for c in _judged(nlp, question, text) if c.features["from_naming"] == 1.0], "an alternative, no name"
    text = "The country's capital, Tirana, represents its financial and industrial heartland."
    named = [c for c in _judged(nlp, "What is the capital of Albania?", text) if c.features["from_naming"] == 1.0]
    assert not named, "a name the parse already found stays the candidate it was"
