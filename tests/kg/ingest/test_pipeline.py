"""The whole ingest against the real server and models: idempotence, exact deletion, replacement, provenance."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from trellis.kg.graph import GraphStore
from trellis.kg.graph.fingerprint import graph_fingerprint
from trellis.kg.ingest.consistency import check_indexes, rebuild_indexes
from trellis.kg.ingest.extraction import SpacyExtractor
from trellis.kg.ingest.loaders import load_paths
from trellis.kg.ingest.pipeline import IngestPipeline
from trellis.kg.settings import Settings
from trellis.kg.types import Chunk, EntityMention, ExtractionResult, Relation

Make = Callable[..., IngestPipeline]


def _counts(store: GraphStore) -> dict[str, int]:
    return store.query("graph_counts")[0]


def _indexes_agree(settings: Settings, store: GraphStore) -> bool:
    return all(check.ok for check in check_indexes(settings, store))


def test_ingesting_twice_changes_nothing(make_pipeline: Make, sample_subset: Path, ingest_settings: Settings) -> None:
    pipeline = make_pipeline()
    first = pipeline.ingest([sample_subset])
    assert first.failed == 0 and first.documents == 6
    assert first.chunks > 30 and first.entities > 50 and first.relations > 50
    before, counts = graph_fingerprint(pipeline.store), _counts(pipeline.store)

    second = pipeline.ingest([sample_subset])
    assert (second.documents, second.skipped) == (0, 6)
    assert graph_fingerprint(pipeline.store) == before
    assert _counts(pipeline.store) == counts
    assert _indexes_agree(ingest_settings, pipeline.store)


def test_delete_then_reingest_restores_the_graph_exactly(
    make_pipeline: Make, sample_subset: Path, ingest_settings: Settings
) -> None:
    pipeline = make_pipeline()
    pipeline.ingest([sample_subset])
    before = graph_fingerprint(pipeline.store)
    albania = pipeline.store.query("list_documents", skip=0, limit=100)
    target = next(row["id"] for row in albania if row["title"] == "Albania")

    removal = pipeline.delete([target])
    assert removal.chunk_ids and removal.entity_ids
    nodes, edges = graph_fingerprint(pipeline.store)
    assert not any(node.startswith(target) for node in nodes)
    assert not any(target in edge for edge in edges), "no evidence of the deleted document may remain"
    assert _indexes_agree(ingest_settings, pipeline.store)

    again = pipeline.ingest([sample_subset])
    assert (again.documents, again.skipped) == (1, 5)
    assert graph_fingerprint(pipeline.store) == before
    assert _indexes_agree(ingest_settings, pipeline.store)


def test_the_story_in_turn_builds_what_the_overlapped_ingest_builds(
    make_pipeline: Make, sample_subset: Path, ingest_settings: Settings
) -> None:
    """``ingest_batch`` run stage after stage and the three threads of :mod:`kg.ingest.overlap` run the same
    stages: the same graph, the same report, FAISS agreeing with Neo4j."""
    pipeline = make_pipeline()
    overlapped = pipeline.ingest([sample_subset])
    before = graph_fingerprint(pipeline.store)
    pipeline.delete([row["id"] for row in pipeline.store.query("list_documents", skip=0, limit=100)])

    loaded = load_paths([sample_subset], exclude=ingest_settings.ingest_exclude)
    in_turn = pipeline.ingest_documents(loaded, overlap=False)
    assert graph_fingerprint(pipeline.store) == before
    fields = ("documents", "skipped", "chunks", "entities", "relations", "tokens", "failures")
    assert in_turn.model_dump(include=set(fields)) == overlapped.model_dump(include=set(fields))
    assert _indexes_agree(ingest_settings, pipeline.store)


def test_deleting_keeps_the_support_other_documents_give(make_pipeline: Make, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Tirana is the capital of Albania. Tirana is a large city.")
    (tmp_path / "b.txt").write_text("Tirana is the capital of Albania, a country in Europe.")
    pipeline = make_pipeline()
    pipeline.ingest([tmp_path])
    documents = {row["title"]: row["id"] for row in pipeline.store.query("list_documents", skip=0, limit=10)}
    pipeline.delete([documents["a"]])
    facts = [row for row in pipeline.store.query("graph_relationships") if row["type"] == "CAPITAL_OF"]
    assert len(facts) == 1
    assert facts[0]["documents"] == [documents["b"]]
    assert all(chunk.startswith(documents["b"]) for chunk in facts[0]["evidence"])


def test_a_changed_document_replaces_its_old_version(
    make_pipeline: Make, tmp_path: Path, ingest_settings: Settings
) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Algiers is the capital of Algeria.")
    pipeline = make_pipeline()
    pipeline.ingest([path])
    path.write_text("Luanda is the capital of Angola.")
    report = pipeline.ingest([path])
    assert (report.documents, report.replaced) == (1, 1)
    names = {row["id"] for row in pipeline.store.query("graph_node_ids")}
    entities = {row["name"] for row in pipeline.store.query("known_entities")}
    assert {"Luanda", "Angola"} <= entities and not {"Algiers", "Algeria"} & entities
    assert _counts(pipeline.store)["documents"] == 1 and len(names) == 1 + 1 + len(entities)
    assert _indexes_agree(ingest_settings, pipeline.store)


def test_known_sentences_give_typed_relations_with_provenance(make_pipeline: Make, tmp_path: Path) -> None:
    (tmp_path / "facts.txt").write_text(
        "Tirana is the capital of Albania. Albert Einstein was born in Ulm. "
        "Einstein developed the theory of relativity in Germany. Ayn Rand moved to New York City."
    )
    pipeline = make_pipeline()
    pipeline.ingest([tmp_path])
    rows = pipeline.store.query("graph_relationships")
    names = {row["id"]: row["name"] for row in pipeline.store.query("known_entities")}
    typed = {(names.get(r["start"]), r["type"], names.get(r["end"])) for r in rows if r["evidence"]}
    assert ("Tirana", "CAPITAL_OF", "Albania") in typed
    assert ("Albert Einstein", "BORN_IN", "Ulm") in typed
    assert ("Ayn Rand", "LIVED_IN", "New York City") in typed, "a phrase maps to its canonical type"
    moved = next(r for r in rows if r["type"] == "LIVED_IN")
    assert moved["phrase"] == "moved to", "and keeps the phrase the text used"
    capital = next(r for r in rows if r["type"] == "CAPITAL_OF")
    assert capital["documents"] and capital["evidence"][0].startswith(capital["documents"][0])
    people = [row for row in pipeline.store.query("known_entities") if row["type"] == "Person"]
    assert [(person["name"], person["aliases"]) for person in people] == [("Albert Einstein", ["Einstein"])]


def test_a_document_an_older_graph_model_built_is_rebuilt(
    make_pipeline: Make, sample_subset: Path, ingest_settings: Settings
) -> None:
    pipeline = make_pipeline()
    pipeline.ingest([sample_subset])
    before = graph_fingerprint(pipeline.store)
    pipeline.store.run_text("MATCH (d:Document {title: 'Albania'}) REMOVE d.graph_version", write=True)
    report = pipeline.ingest([sample_subset])
    assert (report.documents, report.replaced, report.skipped) == (1, 1, 5)
    assert graph_fingerprint(pipeline.store) == before, "rebuilt as the current model builds it, nothing left over"
    assert _indexes_agree(ingest_settings, pipeline.store)


def test_rebuild_restores_faiss_from_neo4j(make_pipeline: Make, sample_subset: Path, ingest_settings: Settings) -> None:
    pipeline = make_pipeline()
    pipeline.ingest([sample_subset / "extra"])
    for folder in (ingest_settings.index_dir / "chunks", ingest_settings.index_dir / "entities"):
        for path in folder.rglob("*"):
            if path.is_file():
                path.unlink()
    counts = rebuild_indexes(ingest_settings, pipeline.store)
    assert counts["chunks"] == _counts(pipeline.store)["chunks"]
    assert _indexes_agree(ingest_settings, pipeline.store)


def test_mentions_that_name_nothing_are_dropped_not_fatal(
    make_pipeline: Make, tmp_path: Path, extractor: SpacyExtractor
) -> None:
    """spaCy tags symbols such as '#$%' or a minus sign as entities now and then (seen on the Wikipedia sample): such a
    mention names nothing, so it is dropped, and the document still lands."""

    class WithSymbolMentions:
        def extract(self, chunks: Sequence[Chunk]) -> list[ExtractionResult]:
            results = extractor.extract(chunks)
            for result in results:
                symbol = EntityMention(chunk_id=result.chunk_id, surface="#$%", type="Organization", start=0, end=3)
                result.mentions.append(symbol)
                result.relations.append(
                    Relation(chunk_id=result.chunk_id, subject="#$%", subject_type="Organization",
                             predicate="FOUNDED", object="Tirana", object_type="Location", evidence="x", confidence=0.5)
                )  # fmt: skip
            return results

    (tmp_path / "symbols.txt").write_text("Tirana is the capital of Albania.")
    pipeline = make_pipeline(extractor=WithSymbolMentions())
    report = pipeline.ingest([tmp_path])
    assert (report.documents, report.failed) == (1, 0)
    names = {row["name"] for row in pipeline.store.query("known_entities")}
    assert names == {"Tirana", "Albania"}


def test_one_name_is_one_entity_whatever_its_labels_and_its_type_follows_the_mentions(
    make_pipeline: Make, tmp_path: Path
) -> None:
    """The small NER model calls Aristotle a person in one sentence and an organisation in the next: one entity
    either way, typed (property and label) by the most frequent label of its mentions, restored by a delete."""

    class Labelled:
        def extract(self, chunks: Sequence[Chunk]) -> list[ExtractionResult]:
            results = []
            for chunk in chunks:
                label = "Person" if "taught" in chunk.text else "Organization"
                found = [
                    EntityMention(chunk_id=chunk.id, surface="Aristotle", type=label, start=m.start(), end=m.end())
                    for m in re.finditer("Aristotle", chunk.text)
                ]
                results.append(ExtractionResult(chunk_id=chunk.id, mentions=found, relations=[]))
            return results

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "teacher.txt").write_text("Aristotle taught Alexander. Later Aristotle taught in Athens.")
    (tmp_path / "b" / "life.txt").write_text("Aristotle was born in Stagira. Aristotle died in Chalcis. Aristotle.")
    pipeline = make_pipeline(extractor=Labelled())

    def entities() -> list[tuple[str, str, list[str]]]:
        rows = pipeline.store.run_text("MATCH (e:Entity) RETURN e.name AS name, e.type AS type, labels(e) AS labels")
        return [(row["name"], row["type"], sorted(row["labels"])) for row in rows]

    pipeline.ingest([tmp_path / "a"])
    assert entities() == [("Aristotle", "Person", ["Entity", "Person"])]
    alone = graph_fingerprint(pipeline.store)
    pipeline.ingest([tmp_path / "b"])
    assert entities() == [("Aristotle", "Organization", ["Entity", "Organization"])], "three mentions outweigh two"
    documents = pipeline.store.query("list_documents", skip=0, limit=10)
    (document,) = [row["id"] for row in documents if row["title"] == "life"]
    pipeline.delete([document])
    assert entities() == [("Aristotle", "Person", ["Entity", "Person"])]
    assert graph_fingerprint(pipeline.store) == alone


def test_ingesting_into_a_bare_database_creates_its_constraints_and_indexes_first(
    make_pipeline: Make, tmp_path: Path
) -> None:
    (tmp_path / "note.txt").write_text("Luanda is the capital of Angola.")
    pipeline = make_pipeline()
    for row in pipeline.store.query("list_constraints"):  # a bare database: what `trellis init` creates is gone
        pipeline.store.run_text(f"DROP CONSTRAINT {row['name']} IF EXISTS", write=True)
    for row in pipeline.store.query("list_indexes"):
        if row["type"] != "LOOKUP":
            pipeline.store.run_text(f"DROP INDEX {row['name']} IF EXISTS", write=True)
    pipeline.ingest([tmp_path])
    names = {row["name"] for row in pipeline.store.query("list_indexes")}
    assert {"chunk_embedding", "chunk_text"} <= names, "what retrieval searches exists once something is ingested"
