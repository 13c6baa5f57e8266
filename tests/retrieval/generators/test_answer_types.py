"""What a question asks for, read off its words: its names, the noun a "which X" asks for, what a "how many"
counts, and the type of answer it wants."""

from __future__ import annotations

from spacy.language import Language

from trellis.retrieval.generators.answer_types import (
    asked_noun,
    asks_what,
    counted_unit,
    expected_types,
    initialisms,
    named_terms,
    short_forms,
    subject_names,
    undotted,
)


def test_punctuation_ends_a_name_and_of_joins_one() -> None:
    assert named_terms("In what year did Robert Todd Lincoln Beckwith, Abraham Lincoln's last descendant, die?") == [
        "robert todd lincoln beckwith",
        "abraham lincoln",
    ]
    assert named_terms("How many students came to the University of Berlin?") == ["university of berlin"]
    assert named_terms("What began the Battle of the Bulge?") == ["battle of the bulge"]
    assert named_terms("Was Paris of the city a prince?") == ["paris"], "a lower-case word after 'of' ends the name"
    assert named_terms("Who founded Pixar Animation Studios in 1986?") == ["pixar animation studios", "1986"]


def test_a_number_ends_a_name_and_a_date_before_a_name_is_not_part_of_it() -> None:
    assert named_terms("Who commanded Apollo 8?") == ["apollo 8"]
    assert named_terms("By 1827 Laplace was applying least squares to what?") == ["1827", "laplace"]
    assert named_terms("In February 2006 Angola overtook which country?") == ["february 2006", "angola"]


def test_a_nationality_describes_the_subject_and_is_not_one_of_its_names(nlp: Language) -> None:
    question = "Who was the wife of the Greek thinker who taught Alexander in Macedonia?"
    assert named_terms(question) == ["greek", "alexander", "macedonia"]
    assert subject_names(question, nlp) == ["alexander", "macedonia"]
    assert subject_names("Who founded Pixar Animation Studios in 1986?", nlp) == ["pixar animation studios", "1986"]


def test_a_name_that_qualifies_the_asked_noun_describes_the_answer(nlp: Language) -> None:
    question = "Which Shakespeare play was the only stage production Tarkovsky ever directed?"
    assert subject_names(question, nlp) == ["tarkovsky"]
    assert subject_names("Which 1917 act changed agricultural education?", nlp) == ["1917"], "a year still names"


def test_the_noun_a_which_question_asks_for() -> None:
    assert asked_noun("Which centaur reared Achilles on Mount Pelion?") == "centaur"
    assert asked_noun("What is the capital of Alberta?") == "capital"
    assert asked_noun("Which European country borders Albania?") == "country"
    assert asked_noun("Which of the stable alkali metals is golden?") == "metals", "a partitive chooses among them"
    assert asked_noun("Which of these was first?") is None
    assert asked_noun("Which of the following countries borders Chad?") == "countries"
    assert asked_noun("Which state is south of Kentucky?") == "state", "a compound's head comes right after it"
    assert asked_noun("What is the state flower of Alabama?") == "flower", "the head of the compound"
    assert asked_noun("Which one of the planets has rings?") == "planets", "'one of' is a partitive too"
    assert asked_noun("Which was the name of one of the ships?") == "ships"
    assert asked_noun("Who killed Achilles?") is None


def test_the_types_asked_for_come_from_the_same_noun() -> None:
    place = frozenset({"Location", "Facility"})
    assert expected_types("What is the state flower of Alabama?") is None, "a flower, of no known kind: not a state"
    assert expected_types("Which state is south of Kentucky?") == place
    assert expected_types("Which of the following countries borders Chad?") == place, "a plural in -ies"
    assert expected_types("Which one of the planets has rings?") is None
    assert expected_types("What is the population density of Aruba?") == frozenset({"Quantity"}), "a count stays one"
    assert expected_types("What is the capital city of Alberta?") == place
    assert expected_types("Which movies did Tarkovsky direct?") == frozenset({"Work"})
    person = frozenset({"Person", "Organization", "Group"})
    assert expected_types("Who directed the film which won the Oscar?") == person, "a relative 'which' asks nothing"
    assert asked_noun("Who directed the film which won the Oscar?") is None
    assert asked_noun("In which city did Einstein, who was born in Ulm, study?") == "city"
    assert expected_types("Which of the musicians who played there was German?") == frozenset(
        {"Person", "Organization", "Group"}
    ), "a partitive of no known kind leaves the types to 'who'"


def test_what_a_how_many_question_counts() -> None:
    assert counted_unit("How many olfactory bulbs are in an aardvark's nose?") == ["olfactory", "bulbs"]
    assert counted_unit("How many times did Apollo 8 orbit the Moon?") == ["times"]
    assert counted_unit("How many seconds ahead of UTC is TAI?") == ["seconds"]
    assert counted_unit("How much did the United States pay for Alaska?") == []
    assert counted_unit("Where was Einstein born?") == []


def test_a_count_of_years_ago_may_be_a_date() -> None:
    assert expected_types("The ocean did not exist before how many years ago?") == frozenset({"Quantity", "Date"})
    assert expected_types("In how many different years was he nominated?") == frozenset({"Quantity"})


def test_a_which_question_of_an_unknown_kind_does_not_say_what_type_it_asks_for() -> None:
    assert expected_types("Apollo's epithet was connected with which animals?") is None, "dolphins: a plain noun"
    assert asked_noun("Apollo's epithet was connected with which animals?") == "animals"
    assert expected_types("Which god made the lyre?") == frozenset({"Person"})


def test_a_date_or_a_number_carries_no_asked_noun() -> None:
    assert asked_noun("In what year did he settle in Frankfurt?") is None
    assert asked_noun("What percentage voted for independence?") is None
    assert asked_noun("At what elevation does the capital sit?") is None, "a measure"
    assert expected_types("At what elevation does the capital sit?") == frozenset({"Quantity"})
    assert asked_noun("At what age did he join the Academy?") is None


def test_the_noun_right_after_what_is_asked_for_unless_what_is_the_subject() -> None:
    assert asked_noun("what instrument gives the most accurate realization of the ampere?") == "instrument"
    assert asked_noun("What class of patrol vessels did the navy buy?") == "class"
    assert asked_noun("What kind of cell makes up most of the skin?") == "cell", "what a sort is of"
    assert asked_noun("Which type of rock is it?") == "rock"
    assert asked_noun("What causes autism?") is None
    assert asked_noun("What happened in 1917?") is None
    assert asked_noun("What is the oldest counting board?") is None, "'what is X': X is the subject"
    assert asked_noun("Which came first: the ratification or the siege?") is None
    assert asked_noun("What's the capital of Angola?") == "capital"


def test_the_question_word_said_first_says_the_type() -> None:
    person = frozenset({"Person", "Organization", "Group"})
    assert expected_types("Whose translation is taken as the point when alchemy reached Europe?") == person
    assert expected_types("When did the man who founded the school die?") == frozenset({"Date"})
    relative = "What's the name of the process where acid strips rust off metal?"
    assert expected_types(relative) is None, "a 'where' after 'what' is a relative, no place asked for"
    assert asks_what(relative) and asks_what("In which town was he born?")
    assert not asks_what("Who wrote what?") and not asks_what("How high is the peak?")


def test_how_high_or_far_asks_for_a_measure() -> None:
    assert expected_types("How high can the albedo of fresh snow get?") == frozenset({"Quantity"})
    assert expected_types("How far is the moon?") == frozenset({"Quantity"})
    assert expected_types("What record latitude did Nansen reach?") == frozenset({"Quantity"})


def test_the_short_forms_a_text_spells_out() -> None:
    text = "The Union of Soviet Socialist Republics and the North Atlantic Treaty Organization. In the United States"
    assert {"ussr", "nato", "us"} <= initialisms(text), "a sentence's first word may begin a name or not"
    assert undotted("In the U.S. Army") == "In the US Army"
    assert short_forms("Which U.S. state did NATO name?") == {"us", "nato"}, "a name in capitals only"
