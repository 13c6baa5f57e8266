"""What kind of answer a question asks for, read off its words: "who" a person or a body, "where" a place, "when"
or "what year" a date, "how many" a quantity, "which X" / "what X" an entity of X's kind ("which city" a place,
"what novel" a work; an X of no known kind says nothing). Types are the graph's entity labels
(:data:`kg.ingest.extraction.labels.SPACY_LABELS`), so an answer from a fact and an answer from a sentence are
judged the same way.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

from spacy.language import Language

__all__ = [
    "NAME_JOINS",
    "asked_noun",
    "asks_what",
    "counted_unit",
    "expected_types",
    "initialisms",
    "named_terms",
    "short_forms",
    "subject_names",
    "undotted",
]

PLACE = frozenset({"Location", "Facility"})
NAME = frozenset({"Person", "Organization", "Location", "Facility", "Group", "Work", "Event", "Product", "Thing"})
PERSON = frozenset({"Person"})
DATE = frozenset({"Date"})
QUANTITY = frozenset({"Quantity"})

_CUES: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = (
    (("what", "year"), DATE),
    (("which", "year"), DATE),
    (("what", "date"), DATE),
    (("what", "century"), DATE),
    (("which", "century"), DATE),
    (("how", "many"), QUANTITY),
    (("how", "much"), QUANTITY),
    (("how", "old"), QUANTITY | DATE),
    *((("how", measure), QUANTITY) for measure in ("high", "far", "tall", "deep", "big", "large", "wide", "fast")),
    (("how", "long"), QUANTITY | DATE),
    (("what", "percentage"), QUANTITY),
    (("what", "age"), QUANTITY | DATE),
    (("which", "age"), QUANTITY | DATE),
    (("when",), DATE),
    (("where",), PLACE | {"Organization"}),
    (("whose",), PERSON | {"Organization", "Group"}),
    (("who",), PERSON | {"Organization", "Group"}),
    (("whom",), PERSON | {"Organization", "Group"}),
)
_KINDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        [
            *("city", "town", "capital", "country", "state", "island", "village", "province", "continent", "ocean"),
            *("sea", "river", "place", "region", "county", "territory", "nation", "republic", "kingdom", "mountain"),
            *("lake", "port", "location", "trench", "venue", "hall", "hotel"),
        ],
        PLACE,
    ),
    **dict.fromkeys(
        [
            *("person", "man", "woman", "philosopher", "president", "king", "queen", "emperor", "author", "writer"),
            *("director", "actor", "actress", "scientist", "physicist", "mathematician", "god", "goddess", "player"),
            *("astronaut", "commander", "pilot", "poet", "painter", "composer", "novelist", "leader", "general"),
            *("politician", "founder", "grammarian", "hero", "father", "mother", "wife", "husband", "son"),
            "daughter",
        ],
        PERSON,
    ),
    **dict.fromkeys(
        [
            "company",
            "organization",
            "organisation",
            "university",
            "school",
            "party",
            "team",
            "agency",
            "institute",
            "institution",
        ],
        frozenset({"Organization", "Facility", "Group"}),
    ),
    **dict.fromkeys(["year", "date", "century", "decade", "day", "month", "era", "period", "season"], DATE),
    **dict.fromkeys(
        ["number", "amount", "percentage", "population", "share", "proportion", "fraction", "percent"], QUANTITY
    ),
    **dict.fromkeys(
        [
            *("elevation", "height", "altitude", "length", "depth", "distance", "area", "size", "temperature"),
            *("speed", "weight", "mass", "rate", "value", "price", "cost", "score", "ratio", "total", "frequency"),
            *("density", "diameter", "radius", "width", "volume", "duration", "half", "latitude", "longitude"),
        ],
        QUANTITY,
    ),  # measures: "at what elevation", "the half-life of"
    **dict.fromkeys(["age", "time"], QUANTITY | DATE),
    **dict.fromkeys(
        ["book", "novel", "film", "movie", "work", "song", "play", "opera", "poem", "album", "novella"],
        frozenset({"Work"}),
    ),
    **dict.fromkeys(["language", "languages"], frozenset({"Language", "Group"})),
    **dict.fromkeys(["war", "battle", "battles", "revolution", "event"], frozenset({"Event"})),
}
_WORD = re.compile(r"[a-z]+")
_TOKEN = re.compile(r"[\w'\u2019.-]+")
_QUESTION_WORDS = frozenset({"what", "which"})
_LEADING_CUES = frozenset(cue[0] for cue, _ in _CUES if len(cue) == 1)  # "who", "where", "when" ...
_SKIPPED = frozenset({"is", "was", "are", "were", "the", "a", "an", "s"})  # "s": "what's"
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|the)\s+)*[A-Z][a-z]+)+")
_DOTTED = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,6}")
_SHORT_FORM = re.compile(r"\b[A-Z]{2,6}\b")
_NAMES_NOTHING = frozenset({"these", "those", "this", "thus", "following"})
"""Words of a partitive that name nothing it chooses among ("which of the following")."""
_PARTITIVE_WORDS = 4
"""How many words after "which of" a partitive's noun is looked for in."""
_STOPS = frozenset({"did", "does", "do", "of", "in", "on", "for", "has", "had", "have"})
_COUNT_STOPS = frozenset({"ago", "ahead", "more", "than", "per"})
NAME_JOINS = frozenset({"of", "the", "de", "von", "van", "du", "del", "la"})
"""Lower-case words inside a name ("University of Berlin", "Ludwig van Beethoven")."""
_VERBS = frozenset({"can", "could", "would", "will", "should", "became", "become", "made", "make"})
_SORTS = frozenset({"kind", "kinds", "type", "types", "sort", "sorts", "form", "variety"})
_SUBJECT_VERBS = frozenset(
    {"causes", "cause", "happens", "happen", "makes", "means", "leads", "led", "comes", "came", "goes", "went"}
    | {"remains", "gives", "gave", "allows", "keeps", "kept", "lies", "lay", "took", "takes", "began"}
    | {"do", "does", "you", "they", "he", "she", "it", "we", "if", "to", "about", "else", "other"}
)
"""Words after "what" / "which" that make it the subject ("what causes", "which came first"), not a noun's
determiner."""
_NOT_NOUNS = _STOPS | _VERBS | _SKIPPED | _SUBJECT_VERBS


def expected_types(question: str) -> frozenset[str] | None:
    """The entity types a question asks for, None when it does not say ("what is X?", or "which X" of an X of no
    known kind: "which animals" may be answered by a name or a plain noun)."""
    words = _WORD.findall(question.lower())
    pairs = set(pairwise(words))
    if ("how", "many") in pairs and "ago" in words:  # "how many years ago": a count that dates
        return QUANTITY | DATE
    for cue, types in _CUES:  # the two-word cues first: "what year" before any "which X"
        if len(cue) == 2 and cue in pairs:
            return types
    asked = _asked(words)
    if asked is not None:
        kind = _kind(asked.noun) if asked.noun else None
        if kind is not None or not asked.partitive:  # "which moon of Saturn": a name or a plain noun, it does not say
            return kind
    leading: list[tuple[int, frozenset[str] | None]] = [
        (words.index(cue[0]), types) for cue, types in _CUES if len(cue) == 1 and cue[0] in words
    ]
    if asked is None:  # "what ... where": a relative; "which of the musicians who": the partitive leaves it to "who"
        leading += [(words.index(word), None) for word in _QUESTION_WORDS if word in words]
    return min(leading, key=lambda found: found[0])[1] if leading else None  # the first said: "whose ... when"


def asks_what(question: str) -> bool:
    """Whether the first question word the question says is "what" or "which" ("What is the oldest counting
    board?", "what's the name of the process where ..."): when no noun or cue says it asks for a date or a number,
    it asks for a thing or a name."""
    words = _WORD.findall(question.lower())
    first = next((word for word in words if word in _QUESTION_WORDS or word in _LEADING_CUES or word == "how"), None)
    return first in _QUESTION_WORDS


def asked_noun(question: str) -> str | None:
    """The noun a "which X" / "what X" question asks for ("Which centaur reared Achilles?" -> "centaur", "What is
    the capital of Alberta?" -> "capital"), None when it names none or asks for a date or a number: an answer
    that carries it ("Chiron the Centaur", "Battle of Shiloh") or stands beside it ("capital Edmonton") says what
    it is."""
    asked = _asked(_WORD.findall(question.lower()))
    noun = None if asked is None else asked.noun
    kind = None if noun is None else _kind(noun)
    return None if noun is None or (kind is not None and kind <= QUANTITY | DATE) else noun


class _Asked(NamedTuple):
    noun: str | None
    partitive: bool
    """Chosen among ("which of the musicians"): a noun of no known kind leaves the types to the other words."""


def _asked(words: list[str]) -> _Asked | None:
    """The noun the first "what" / "which" of a question asks for, the one reading of it that both the types and
    the noun come from: a known kind among the next few words ("which European country"), the head of a compound
    it begins ("the state flower of": "flower"), what a partitive chooses among ("which of the alkali metals",
    "which one of the planets"), what a sort is of ("which kind of cell"), or the word right after "which" or
    "what" ("which moon", "what instrument"). None when no "what" or "which" asks for a noun ("what is X", "what
    causes X"), or when the question begins with another question word: "Who directed the film which won ..."
    asks who, and its "which" is a relative."""
    if words and words[0] in _LEADING_CUES:
        return None
    for position, word in enumerate(words):
        if word not in _QUESTION_WORDS:
            continue
        following = [w for w in words[position + 1 : position + 9] if w not in _SKIPPED]
        if following[:2] == ["name", "of"]:  # "what was the name of the school": the school is asked for
            following = following[2:]
        if word == "which" and following[:1] == ["of"]:
            return _Asked(_partitive_noun(following[1:]), partitive=True)
        if word == "which" and following[:2] == ["one", "of"]:
            return _Asked(_partitive_noun(following[2:]), partitive=True)
        for noun in following[:3]:  # "which European country", "what is the capital of"
            kind = _kind(noun)
            if kind is not None:  # a count or a date stays one ("the population density of")
                head = noun if kind <= QUANTITY | DATE else _compound_head(noun, words[position + 1 :])
                return _Asked(head, partitive=False)
            if noun in _STOPS or noun in _VERBS:
                break
        if following[1:3] and following[0] in _SORTS and following[1] == "of":  # "which kind of cell": a cell
            following = following[2:]
        elif word == "what" and following[:1] != words[position + 1 : position + 2]:
            return None  # "what is X": X is the subject, not the noun asked for
        if following and _a_noun(following[0]):  # "which moon", "what instrument gives"
            return _Asked(following[0], partitive=False)
        return None
    return None


def _a_noun(word: str) -> bool:
    """Whether the word after "what" / "which" reads as the noun it asks for ("what instrument"), not as the verb
    of a "what" that is the subject ("what causes", "what happened", "which came first")."""
    return not (word in _NOT_NOUNS or word.endswith("ed"))


def _kind(noun: str) -> frozenset[str] | None:
    """The types a noun names ("city", "cities": a place), None for a noun of no known kind."""
    found = _KINDS.get(noun) or _KINDS.get(noun.removesuffix("s"))  # "movies": "movie"
    return found or (_KINDS.get(noun[:-3] + "y") if noun.endswith("ies") else None)  # "cities": "city"


def _compound_head(noun: str, words: list[str]) -> str:
    """The head of the compound ``noun`` begins, when the word right after it is followed by "of" ("the state
    flower of Alabama": "flower", not "state"), else ``noun``."""
    place = words.index(noun)
    head = words[place + 1 : place + 3]
    return head[0] if len(head) == 2 and head[1] == "of" and head[0] not in _STOPS | _VERBS | _SKIPPED else noun


def _partitive_noun(following: list[str]) -> str | None:
    """The noun a partitive "which of the ..." chooses among: the first plural among its next few words ("which of
    the following countries borders": "countries"), None when they hold none ("which of these")."""
    for word in [w for w in following if w not in _SKIPPED][:_PARTITIVE_WORDS]:
        if word in _STOPS or word in _VERBS:
            return None
        if len(word) > 3 and word.endswith("s") and word not in _NAMES_NOTHING:
            return word
    return None


def short_forms(question: str) -> set[str]:
    """The short forms a question writes in capitals, lower-cased ("In US patent law" -> {"us"})."""
    return {word.lower() for word in _SHORT_FORM.findall(undotted(question))}


def initialisms(text: str) -> set[str]:
    """The short forms a text spells out, lower-cased: the initials of each run of capitalised words, and of the
    run's beginnings and ends ("United States Army" -> "usa", "us"; "Union of Soviet Socialist Republics" ->
    "ussr"), two to six letters long: a question's "US" is held by a context that writes "United States"."""
    found = set()
    for run in _CAPITALISED_RUN.finditer(text):
        initials = "".join(word[0] for word in run.group().split() if word[0].isupper()).lower()
        # a run may begin before the name ("In the United States") or go on past it ("United States Army")
        ends = [initials[start:] for start in range(len(initials))] + [initials[:end] for end in range(len(initials))]
        found |= {short for short in ends if 2 <= len(short) <= 6}
    return found


def undotted(text: str) -> str:
    """``text`` with each dotted short form written without its dots ("U.S. Army" -> "US Army")."""
    return _DOTTED.sub(lambda dotted: dotted.group().replace(".", ""), text)


def counted_unit(question: str) -> list[str]:
    """The words after "how many" / "how much" up to the next verb or function word ("How many olfactory bulbs
    are in..." -> ["olfactory", "bulbs"]): what a number must count to answer the question."""
    words = _WORD.findall(question.lower())
    for position, (word, following) in enumerate(pairwise(words)):
        if word == "how" and following in ("many", "much"):
            unit: list[str] = []
            for noun in words[position + 2 : position + 5]:
                if noun in _STOPS or noun in _VERBS or noun in _SKIPPED or noun in _COUNT_STOPS:
                    break
                unit.append(noun)
            return unit
    return []


def named_terms(question: str) -> list[str]:
    """The question's names: runs of capitalised words (but a sentence's first word), joined over "of", "the"
    and "de" inside a run ("University of Berlin"), and numbers, lower-cased, possessives dropped ("Who founded
    Pixar Animation Studios in 1986?" -> ["pixar animation studios", "1986"]); punctuation ends a run
    ("Robert Todd Lincoln Beckwith, Abraham Lincoln's" is two names), and so does a capitalised word after a
    number ("In February 2006 Angola" is a date and a name; "Apollo 8" stays one): the terms a context about the
    question's subject holds. A dotted short form is read without its dots ("U.S." -> "us")."""
    question = undotted(question)
    matches = list(_TOKEN.finditer(question))
    names: list[str] = []
    run: list[str] = []
    for position, match in enumerate(matches):
        token = match.group()
        previous = matches[position - 1] if position else None
        opens = previous is None or previous.group().endswith((".", "?", "!"))  # a sentence's first word
        if run and previous is not None and question[previous.end() : match.start()].strip():
            names.append(" ".join(run))  # a comma, a colon or a bracket ends a name
            run = []
        if not opens and (token[:1].isupper() or any(ch.isdigit() for ch in token)):
            if run and token[:1].isupper() and any(ch.isdigit() for ch in run[-1]):
                names.append(" ".join(run))  # "By 1827 Laplace", "In February 2006 Angola": a date, then a name
                run = []
            run.append(token.strip(".'\u2019-").removesuffix("'s").removesuffix("\u2019s"))
            if token.endswith(("'s", "\u2019s")):  # "Apollo 8's Saturn V": the possessive ends a name
                names.append(" ".join(run))
                run = []
            continue
        following = next((m.group() for m in matches[position + 1 :] if m.group() not in NAME_JOINS), "")
        if run and token in NAME_JOINS and following[:1].isupper():
            run.append(token)  # "Articles of Confederation", "Battle of the Bulge"
            continue
        if run:
            names.append(" ".join(run))
            run = []
    if run:
        names.append(" ".join(run))
    return list(dict.fromkeys(name.casefold() for name in names if name))


def subject_names(question: str, nlp: Language) -> list[str]:
    """The question's names (:func:`named_terms`) but those that describe rather than name: a nationality or creed
    said as an adjective, as the parse finds it ("the Greek thinker", "a Canadian province"), and a name that
    qualifies the noun a "which X" question asks for ("Which Shakespeare play"): they say what the answer is, and
    a context about the question's subject need not repeat them (Aristotle's article calls him a philosopher;
    Tarkovsky's says he directed Hamlet). A people named as such ("the Aztecs") stays a name."""
    described = {
        ent.text.casefold().removesuffix("'s")
        for ent in nlp(question).ents
        if ent.label_ == "NORP" and ent.root.pos_ == "ADJ"
    }
    names, noun = named_terms(question), asked_noun(question)
    if noun:
        described |= {
            name
            for name in names
            if not any(ch.isdigit() for ch in name)
            and re.search(rf"\b(?:which|what)\s+{re.escape(name)}(?:['\u2019]s)?\s+{re.escape(noun)}\b", question, re.I)
        }
    return [name for name in names if name not in described]
