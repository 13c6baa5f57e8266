"""The retrieval benchmark's padding: real text, never the evaluation's own documents, cut at the chunk target."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from trellis.kg.ingest.chunking import Chunker
from trellis.kg.settings import Settings, get_settings
from trellis.kg.types import Document

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def padding() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_padding", BENCHMARKS / "_padding.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _chunks(chunker: Chunker, record: dict[str, str]) -> int:
    document = Document(id=record["id"], source="test", title=record["title"], text=record["text"], sha256="")
    return len(chunker.run(document))


def test_padding_continues_held_articles_and_stops_at_the_target(padding: ModuleType, tmp_path: Path) -> None:
    settings: Settings = get_settings().model_copy(update={"cache_dir": tmp_path / "cache"})
    first = next(padding._wikipedia_articles())  # the dump's first article: the corpus holds its opening
    held = {"id": f"enwiki-{first.page_id}", "title": first.title, "text": first.text[:1500]}
    fact = {"id": "geo-XX-capital", "title": "GeoNames facts", "text": "The capital of Freedonia is Fredville."}
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in (held, fact)) + "\n", encoding="utf-8")
    chunker = Chunker.from_settings(settings)
    target = _chunks(chunker, held) + _chunks(chunker, fact) + 40

    path = padding.padding_file(settings, corpus, total_chunks=target)

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert path.parent == tmp_path / "cache" / "bench"
    assert all(r["id"].startswith("pad-") for r in records), "padding never replaces a corpus document"
    continued = records[0]
    assert continued["id"] == f"pad-enwiki-{first.page_id}" and continued["title"] == f"{first.title} (continued)"
    assert first.text.startswith(held["text"]) and continued["text"] in first.text
    assert held["text"][:200] not in continued["text"], "the held opening is not repeated"
    counts = [_chunks(chunker, r) for r in records]
    assert sum(counts) >= 40 > sum(counts[:-1]), "documents are taken until the target, and no further"
    written = path.stat().st_mtime_ns
    assert padding.padding_file(settings, corpus, total_chunks=target) == path
    assert path.stat().st_mtime_ns == written, "made once, read afterwards"
    assert padding.padding_file(settings, corpus, total_chunks=target + 1) != path


def test_a_target_the_corpus_already_reaches_is_refused(padding: ModuleType, tmp_path: Path) -> None:
    settings: Settings = get_settings().model_copy(update={"cache_dir": tmp_path / "cache"})
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "geo-XX", "title": "Facts", "text": "Fredville is a city."}) + "\n")
    for target in (1, 0, -5):
        with pytest.raises(ValueError, match="already holds 1 chunks"):
            padding.padding_file(settings, corpus, total_chunks=target)
    assert not (tmp_path / "cache" / "bench").exists()


def test_gazetteers_render_cities_and_counties_as_sentences(padding: ModuleType) -> None:
    records = list(padding._geonames())
    assert len({r["id"] for r in records}) == len(records)
    cities = next(r for r in records if r["id"] == "pad-geo-cities-DE-1")
    assert cities["title"] == "Cities of Germany (part 1)"
    assert cities["text"].startswith("Berlin is a city in Germany with a population of ")
    assert cities["text"].count(" is a city in Germany ") == padding.CITIES_PER_DOCUMENT
    counties = next(r for r in records if r["id"] == "pad-geo-counties-AL")
    assert "Autauga County is a county in the U.S. state of Alabama." in counties["text"]
    assert all(r["metadata"]["license"] == "CC BY 4.0" for r in records)
