"""How people ask about each canonical relation type: the question phrasings training asks, keyed by type.

The types are those of the canonical relation schema (``kg/ingest/extraction/relation_types.yaml``). For each, the
questions a person would write, never a template that names the type ("Which entity does X have a BORN_IN relation
to?"):

- ``object``: questions whose answer is the relation's object, ``{subject}`` standing for the subject's name
  ("Where was {subject} born?");
- ``subject``: questions whose answer is the subject, ``{object}`` standing for the object's name ("Who founded
  {object}?"), where asking that way round makes sense (nobody asks who was born in 1879);
- ``object_noun``: the object described through the subject ("the birthplace of {subject}"), so that a chain of two
  relations can be asked as one natural question ("What is the capital of the birthplace of X?"); types without
  one start no two-hop question;
- ``all_objects``: a question whose answer is every object of one subject ("Which countries border {subject}?");
  types without one give no list question.

:data:`UNASKED` names the schema types no fixed phrasing can ask, with the reason; a test checks that every other
schema type has phrasings here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PHRASINGS", "UNASKED", "Phrasings"]


@dataclass(frozen=True)
class Phrasings:
    """The natural questions about one relation type (see the module's docstring)."""

    object: tuple[str, ...]
    subject: tuple[str, ...] = ()
    object_noun: str | None = None
    all_objects: str | None = None


UNASKED: dict[str, str] = {
    "HAPPENED_ON": "what happened is in the relation's phrase, which no fixed question can say",
    "HAS_QUANTITY": "what is counted is in the relation's phrase, which no fixed question can say",
    "RELATED_TO": "the rest of the relations, with no meaning of their own",
}
"""Schema types that get no question, and why."""

PHRASINGS: dict[str, Phrasings] = {
    # -- People's lives
    "BORN_IN": Phrasings(
        object=("Where was {subject} born?", "What is {subject}'s birthplace?", "In which town was {subject} born?"),
        subject=("Who was born in {object}?", "Which famous person was born in {object}?"),
        object_noun="the birthplace of {subject}",
    ),
    "BORN_ON": Phrasings(
        object=("When was {subject} born?", "In what year was {subject} born?", "What is the birth date of {subject}?"),
    ),
    "DIED_IN": Phrasings(
        object=("Where did {subject} die?", "In which place did {subject} die?", "Where did {subject} pass away?"),
        subject=("Who died in {object}?",),
        object_noun="the place where {subject} died",
    ),
    "DIED_ON": Phrasings(
        object=("When did {subject} die?", "In what year did {subject} die?", "When did {subject} pass away?"),
    ),
    "BURIED_IN": Phrasings(
        object=("Where is {subject} buried?", "Where does {subject} rest?", "In which place is {subject} buried?"),
        subject=("Who is buried in {object}?",),
        object_noun="the place where {subject} is buried",
    ),
    "LIVED_IN": Phrasings(
        object=("Where did {subject} live?", "Where did {subject} settle?", "Which place did {subject} move to?"),
        subject=("Who lived in {object}?", "Who moved to {object}?"),
        object_noun="the place where {subject} lived",
    ),
    "EDUCATED_AT": Phrasings(
        object=("Where did {subject} study?", "Where was {subject} educated?", "Which school did {subject} attend?"),
        subject=("Who studied at {object}?", "Which student attended {object}?"),
        object_noun="the school that {subject} attended",
    ),
    "WORKED_FOR": Phrasings(
        object=("Where did {subject} work?", "Which organisation did {subject} work for?", "Who employed {subject}?"),
        subject=("Who worked for {object}?", "Who taught at {object}?"),
        object_noun="the employer of {subject}",
    ),
    "MEMBER_OF": Phrasings(
        object=("What is {subject} a member of?", "What did {subject} join?", "What does {subject} belong to?"),
        subject=("Who is a member of {object}?", "Who joined {object}?"),
        all_objects="Which organisations is {subject} a member of?",
    ),
    "HELD_POSITION": Phrasings(
        object=("What position did {subject} hold?", "What was {subject} elected to?", "What did {subject} serve as?"),
        subject=("Who held the post of {object}?", "Who was appointed {object}?"),
    ),
    "LEADER_OF": Phrasings(
        object=("What did {subject} lead?", "What was {subject} the leader of?", "What did {subject} rule?"),
        subject=("Who led {object}?", "Who was the leader of {object}?", "Who ruled {object}?"),
    ),
    "FOUNDED": Phrasings(
        object=("What did {subject} found?", "What did {subject} establish?", "What was founded by {subject}?"),
        subject=("Who founded {object}?", "Who established {object}?", "Who was the founder of {object}?"),
        object_noun="the organisation that {subject} founded",
    ),
    "CREATED": Phrasings(
        object=("What did {subject} create?", "What did {subject} invent?", "What did {subject} design or build?"),
        subject=("Who created {object}?", "Who invented {object}?", "Who designed {object}?"),
    ),
    "AUTHOR_OF": Phrasings(
        object=(
            "What did {subject} write?",
            "Which work did {subject} write?",
            "Which book is {subject} the author of?",
        ),
        subject=("Who wrote {object}?", "Who is the author of {object}?", "Who composed {object}?"),
        all_objects="Which works did {subject} write?",
    ),
    "DIRECTED": Phrasings(
        object=("What did {subject} direct?", "Which film did {subject} direct?"),
        subject=("Who directed {object}?", "Who was the director of {object}?"),
    ),
    "PRODUCED": Phrasings(
        object=("What does {subject} produce?", "What did {subject} make?", "What is produced by {subject}?"),
        subject=("Who produced {object}?", "Who made {object}?"),
    ),
    "PUBLISHER_OF": Phrasings(
        object=("What did {subject} publish?", "Which work did {subject} release?"),
        subject=("Who published {object}?", "Which company released {object}?"),
    ),
    "PERFORMED_IN": Phrasings(
        object=("What did {subject} appear in?", "Which film did {subject} star in?", "What did {subject} perform in?"),
        subject=("Who starred in {object}?", "Who appeared in {object}?", "Who performed in {object}?"),
    ),
    "PARTICIPATED_IN": Phrasings(
        object=("What did {subject} take part in?", "Which event was {subject} in?", "What did {subject} fight in?"),
        subject=("Who took part in {object}?", "Who participated in {object}?", "Who fought in {object}?"),
        all_objects="Which events did {subject} take part in?",
    ),
    "AWARDED": Phrasings(
        object=("What award did {subject} get?", "What prize did {subject} win?", "What honour was {subject} given?"),
        subject=("Who won {object}?", "Who received {object}?", "Who was awarded {object}?"),
        all_objects="Which awards did {subject} win?",
    ),
    "NOMINATED_FOR": Phrasings(
        object=("What was {subject} nominated for?", "Which award was {subject} nominated for?"),
        subject=("Who was nominated for {object}?",),
    ),
    # -- Family and influence
    "PARENT_OF": Phrasings(
        object=(
            "Who was a child of {subject}?",
            "Whose parent was {subject}?",
            "Who was the son or daughter of {subject}?",
        ),
        subject=("Who was a parent of {object}?", "Who was the father or mother of {object}?"),
        object_noun="the child of {subject}",
        all_objects="Who were the children of {subject}?",
    ),
    "SIBLING_OF": Phrasings(
        object=("Who was a sibling of {subject}?", "Who was the brother or sister of {subject}?"),
        subject=("Whose brother or sister was {object}?",),
    ),
    "SPOUSE_OF": Phrasings(
        object=("Who did {subject} marry?", "Who was the spouse of {subject}?", "Who was {subject} married to?"),
        subject=("Who married {object}?", "Whose spouse was {object}?"),
        object_noun="the spouse of {subject}",
    ),
    "RELATIVE_OF": Phrasings(
        object=("Who was a relative of {subject}?", "To whom was {subject} related?"),
        subject=("Who was related to {object}?",),
    ),
    "INFLUENCED_BY": Phrasings(
        object=("Who influenced {subject}?", "Who or what inspired {subject}?", "By whom was {subject} influenced?"),
        subject=("Who was influenced by {object}?", "Whom did {object} inspire?"),
        all_objects="Who influenced {subject}? Name them all.",
    ),
    "STUDENT_OF": Phrasings(
        object=("Who taught {subject}?", "Who was the teacher of {subject}?", "Whose student was {subject}?"),
        subject=("Who was a student of {object}?", "Whom did {object} teach?", "Who studied under {object}?"),
        object_noun="the teacher of {subject}",
    ),
    "KNEW": Phrasings(
        object=("Whom did {subject} meet?", "Who was a friend of {subject}?", "Whom did {subject} know?"),
        subject=("Who met {object}?", "Who knew {object}?"),
    ),
    # -- Conflict, politics, relations
    "KILLED": Phrasings(
        object=("Whom did {subject} kill?", "Who was killed by {subject}?"),
        subject=("Who killed {object}?", "By whom was {object} killed?", "Who murdered {object}?"),
    ),
    "DEFEATED": Phrasings(
        object=("Whom did {subject} defeat?", "Who was defeated by {subject}?", "Whom did {subject} conquer?"),
        subject=("Who defeated {object}?", "Who conquered {object}?", "By whom was {object} defeated?"),
    ),
    "ATTACKED": Phrasings(
        object=("Whom did {subject} attack?", "What did {subject} invade?", "Against whom did {subject} fight?"),
        subject=("Who attacked {object}?", "Who invaded {object}?"),
    ),
    "CONTROLLED": Phrasings(
        object=("What did {subject} control?", "Which place did {subject} occupy?", "What did {subject} own?"),
        subject=("Who controlled {object}?", "Who occupied {object}?", "Who owned {object}?"),
    ),
    "ALLIED_WITH": Phrasings(
        object=("Who was an ally of {subject}?", "Whom did {subject} support?", "Whose side did {subject} take?"),
        subject=("Who supported {object}?", "Who was allied with {object}?"),
    ),
    "OPPOSED": Phrasings(
        object=("What did {subject} oppose?", "What did {subject} criticise?", "What did {subject} reject?"),
        subject=("Who opposed {object}?", "Who criticised {object}?"),
    ),
    "RELATIONS_WITH": Phrasings(
        object=(
            "Which country does {subject} have relations with?",
            "With whom does {subject} have ties?",
            "Which country does {subject} trade with?",
        ),
        subject=("Which country has relations with {object}?",),
    ),
    "INDEPENDENT_FROM": Phrasings(
        object=(
            "From which country did {subject} gain independence?",
            "What did {subject} become independent from?",
            "What did {subject} break away from?",
        ),
        subject=("Which country became independent from {object}?",),
    ),
    "SUCCEEDED": Phrasings(
        object=("Whom did {subject} succeed?", "Who was the predecessor of {subject}?", "Whom did {subject} replace?"),
        subject=("Who succeeded {object}?", "Who was the successor of {object}?", "Who replaced {object}?"),
        object_noun="the predecessor of {subject}",
    ),
    "SIGNED": Phrasings(
        object=("What did {subject} sign?", "Which treaty did {subject} ratify?", "Which law did {subject} adopt?"),
        subject=("Who signed {object}?", "Who ratified {object}?"),
    ),
    "DESCRIBES": Phrasings(
        object=("What does {subject} describe?", "What did {subject} write about?", "What does {subject} depict?"),
        subject=("Who described {object}?", "Which work depicts {object}?"),
    ),
    # -- Places
    "LOCATED_IN": Phrasings(
        object=("Where is {subject}?", "Where is {subject} located?", "In which place is {subject} located?"),
        subject=("What is located in {object}?", "Which place lies in {object}?"),
    ),
    "PART_OF": Phrasings(
        object=("What is {subject} part of?", "Of what is {subject} a part?", "What does {subject} belong to?"),
        subject=("What is part of {object}?", "What does {object} include?"),
    ),
    "HEADQUARTERED_IN": Phrasings(
        object=("Where is {subject} based?", "Where is {subject} seated?", "Where are the headquarters of {subject}?"),
        subject=("Which organisation is based in {object}?", "What is headquartered in {object}?"),
        object_noun="the city where {subject} is based",
    ),
    "CAPITAL_OF": Phrasings(
        object=(
            "{subject} is the capital of which country?",
            "Of which country is {subject} the capital?",
            "Which country has {subject} as its capital?",
        ),
        subject=(
            "What is the capital of {object}?",
            "Which city is the capital of {object}?",
            "What is {object}'s capital?",
        ),
        object_noun="the country whose capital is {subject}",
    ),
    "LARGEST_CITY_OF": Phrasings(
        object=("{subject} is the largest city of which country?", "Of which place is {subject} the largest city?"),
        subject=(
            "What is the largest city of {object}?",
            "Which city is the biggest in {object}?",
            "What is the most populous city of {object}?",
        ),
    ),
    "BORDERS": Phrasings(
        object=("What does {subject} border?", "Which country borders {subject}?", "What is a neighbour of {subject}?"),
        subject=("What borders {object}?",),
        all_objects="Which countries border {subject}?",
    ),
    "FLOWS_THROUGH": Phrasings(
        object=("Where does {subject} flow?", "What does {subject} flow through?", "Into what does {subject} flow?"),
        subject=("Which river flows through {object}?", "What river runs through {object}?"),
    ),
    "NAMED_AFTER": Phrasings(
        object=("Who or what was {subject} named after?", "After whom is {subject} named?"),
        subject=("What was named after {object}?", "What bears the name of {object}?"),
        object_noun="the namesake of {subject}",
    ),
    "KNOWN_AS": Phrasings(
        object=("What is {subject} also known as?", "What else is {subject} called?", "What was {subject} called?"),
        subject=("What is also known as {object}?", "Who or what is known as {object}?"),
    ),
    "LANGUAGE_OF": Phrasings(
        object=(
            "Where is {subject} spoken?",
            "In which country is {subject} an official language?",
            "Where do people speak {subject}?",
        ),
        subject=(
            "What language is spoken in {object}?",
            "What is the official language of {object}?",
            "Which language do people in {object} speak?",
        ),
    ),
    "CURRENCY_OF": Phrasings(
        object=(
            "Which country uses {subject} as its currency?",
            "Where is {subject} the currency?",
            "{subject} is the currency of which country?",
        ),
        subject=(
            "What is the currency of {object}?",
            "Which currency does {object} use?",
            "What money is used in {object}?",
        ),
    ),
    "ORIGINATED_FROM": Phrasings(
        object=("Where does {subject} come from?", "Where did {subject} originate?", "What did {subject} derive from?"),
        subject=("What comes from {object}?", "What originated in {object}?"),
    ),
    "USES": Phrasings(
        object=("What does {subject} use?", "What did {subject} rely on?", "What did {subject} use?"),
        subject=("Who uses {object}?",),
    ),
    "TRAVELLED_TO": Phrasings(
        object=("Where did {subject} travel?", "Which place did {subject} visit?", "Where did {subject} go?"),
        subject=("Who visited {object}?", "Who travelled to {object}?"),
        all_objects="Which places did {subject} visit?",
    ),
    # -- Dates and amounts
    "FOUNDED_ON": Phrasings(
        object=("When was {subject} founded?", "In what year was {subject} established?", "When was {subject} built?"),
    ),
    "PUBLISHED_ON": Phrasings(
        object=("When was {subject} published?", "When was {subject} released?", "When did {subject} first appear?"),
    ),
    "STARTED_ON": Phrasings(
        object=("When did {subject} begin?", "When did {subject} start?", "In what year did {subject} begin?"),
    ),
    "ENDED_ON": Phrasings(
        object=("When did {subject} end?", "In what year did {subject} finish?", "When was {subject} dissolved?"),
    ),
    "HAS_POPULATION": Phrasings(
        object=(
            "What is the population of {subject}?",
            "How many people live in {subject}?",
            "How many inhabitants does {subject} have?",
        ),
    ),
    "HAS_AREA": Phrasings(
        object=("What is the area of {subject}?", "How large is {subject}?", "How big is {subject}?"),
    ),
}
"""The phrasings of every schema type a person asks about (every type but those of :data:`UNASKED`)."""
