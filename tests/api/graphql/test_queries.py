"""GraphQL queries against the real server over HTTP: ask, search, entities, neighbors, path, documents, stats."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx

from tests.support_api import WRITE_KEY
from tests.support_graphql import data, gql
from trellis.retrieval import Retriever

ASK = """
query Ask($q: String!) {
  ask(question: $q, options: {k: 4}) {
    text answerable model
    citations { number chunkId chunk { id text document { id } } document { id title } relation { triple } }
    facts { triple subject { name } predicate object { name } evidence { chunkId } }
    subgraph { nodes { id kind name } edges { source target type } }
    timings { stage seconds }
    browserUrl
  }
}
"""


def test_ask_returns_a_cited_answer_with_its_subgraph_and_browser_link(api_url: str, retriever: Retriever) -> None:
    answer = data(api_url, ASK, {"q": "What is the capital of Albania?"}, key=WRITE_KEY)["ask"]  # the operator
    assert answer["answerable"] and "Tirana" in answer["text"]
    assert answer["citations"] and all(c["chunk"]["text"] for c in answer["citations"])
    for citation in answer["citations"]:  # the cited document is the one the cited chunk belongs to
        assert citation["chunk"]["id"] == citation["chunkId"]
        assert citation["document"]["id"] == citation["chunk"]["document"]["id"]
        assert citation["document"]["title"]
    assert any("Tirana" in fact["triple"] for fact in answer["facts"])
    assert answer["subgraph"]["nodes"] and {t["stage"] for t in answer["timings"]} >= {"search", "generate", "total"}
    link = urlparse(answer["browserUrl"])
    query = parse_qs(link.query)
    assert link.path.endswith("/browser/") and query["cmd"] == ["edit"]
    node_ids = {node["id"] for node in answer["subgraph"]["nodes"]}
    assert "MATCH (n)" in query["arg"][0] and all(f'"{i}"' in query["arg"][0] for i in list(node_ids)[:5])


def test_the_browser_query_runs_and_shows_the_subgraph(api_url: str, retriever: Retriever) -> None:
    answer = data(api_url, ASK, {"q": "What is the capital of Albania?"}, key=WRITE_KEY)["ask"]
    cypher = parse_qs(urlparse(answer["browserUrl"]).query)["arg"][0]
    rows = retriever.store.run_text(cypher)
    shown = {row["n"]["id"] for row in rows}
    assert shown == {node["id"] for node in answer["subgraph"]["nodes"]}


def test_search_finds_passages_with_their_scores(api_url: str, retriever: Retriever) -> None:
    hits = data(
        api_url,
        '{ search(text: "Tirana capital", k: 3) { score dense fulltext title chunk { id text document { title } } } }',
    )["search"]
    assert 1 <= len(hits) <= 3
    assert any("Tirana" in hit["chunk"]["text"] for hit in hits)
    assert hits == sorted(hits, key=lambda hit: -hit["score"])


def test_entity_by_name_and_by_id_with_relations(api_url: str, retriever: Retriever) -> None:
    by_name = data(
        api_url,
        '{ entity(name: "Tirana") { id name type relations(first: 5) { triple evidence { chunk { text } } } } }',
    )["entity"]
    assert by_name["name"] == "Tirana" and by_name["relations"]
    by_id = data(api_url, "query($id: ID!) { entity(id: $id) { id name } }", {"id": by_name["id"]})["entity"]
    assert by_id == {"id": by_name["id"], "name": "Tirana"}
    assert data(api_url, '{ entity(id: "no-such-entity") { id } }')["entity"] is None


def test_entities_pages_follow_their_cursors_without_overlap(api_url: str, retriever: Retriever) -> None:
    query = (
        "query($after: String) { entities(first: 5, after: $after) "
        "{ totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"
    )
    seen: list[str] = []
    after = None
    for _ in range(3):
        page = data(api_url, query, {"after": after})["entities"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["hasNextPage"]
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 15 and seen == sorted(seen)
    assert page["totalCount"] > 15
    locations = data(api_url, '{ entities(first: 50, filter: {type: "Location"}) { edges { node { type } } } }')
    assert {edge["node"]["type"] for edge in locations["entities"]["edges"]} == {"Location"}


def test_neighbors_and_path(api_url: str, retriever: Retriever) -> None:
    tirana = data(api_url, '{ entity(name: "Tirana") { id } }')["entity"]["id"]
    albania = data(api_url, '{ entity(name: "Albania") { id } }')["entity"]["id"]
    around = data(
        api_url,
        "query($id: ID!) { neighbors(entityId: $id, hops: 2, limit: 10) { center { name } "
        "neighbors { distance entity { id name } } relations { source target type } } }",
        {"id": tirana},
    )["neighbors"]
    assert around["center"]["name"] == "Tirana" and 1 <= len(around["neighbors"]) <= 10
    assert albania in {n["entity"]["id"] for n in around["neighbors"]}
    assert {n["distance"] for n in around["neighbors"]} <= {1, 2}
    path = data(
        api_url,
        "query($a: ID!, $b: ID!) { path(from: $a, to: $b, maxHops: 3) { length nodes { id } edges { type } } }",
        {"a": tirana, "b": albania},
    )["path"]
    assert path["nodes"][0]["id"] == tirana and path["nodes"][-1]["id"] == albania and path["length"] >= 1


def test_documents_document_and_stats(api_url: str, retriever: Retriever) -> None:
    listed = data(api_url, "{ documents(first: 10) { id title chunkCount } }")["documents"]
    assert len(listed) == 5 and all(doc["chunkCount"] >= 1 for doc in listed)
    one = data(
        api_url,
        "query($id: ID!) { document(id: $id) { id title sha256 chunks(first: 2) { index text } } }",
        {"id": listed[0]["id"]},
    )["document"]
    assert (
        one["id"] == listed[0]["id"]
        and len(one["sha256"]) == 64
        and [c["index"] for c in one["chunks"]] == [0, 1][: len(one["chunks"])]
    )
    stats = data(api_url, "{ stats { documents chunks entities relationships chunkVectors entityVectors } }")["stats"]
    assert stats["documents"] == 5 and stats["chunks"] == stats["chunkVectors"] > 0


def test_graphiql_is_served_from_local_files(api_url: str) -> None:
    page = httpx.get(f"{api_url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql.min.js" in page.text and "unpkg" not in page.text
    script = httpx.get(f"{api_url}/graphql/static/graphiql.min.js")
    assert script.status_code == 200 and len(script.content) > 100_000


def test_readyz_and_metrics(api_url: str, retriever: Retriever) -> None:
    gql(api_url, "{ stats { documents } }")
    ready = httpx.get(f"{api_url}/readyz", timeout=60)
    assert ready.status_code == 200, ready.text
    checks = ready.json()["checks"]
    assert set(checks) == {"neo4j", "index", "model", "graph"}
    assert checks["graph"].startswith("ok: "), "the expansion reads the snapshot or, while it loads, Neo4j"
    metrics = httpx.get(f"{api_url}/metrics").text
    assert 'trellis_graphql_operations_total{field="stats",outcome="ok",type="query"}' in metrics
    assert 'trellis_http_requests_total{method="POST",route="/graphql",status="200"}' in metrics
    assert httpx.get(f"{api_url}/healthz").headers["x-request-id"]
