"""The Neo4j Browser link of an answer: the Browser URL with the subgraph query, ids written as safe literals, and the
user for the connect form."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

from trellis.api.browser_link import MAX_LINK_IDS, browser_link, subgraph_query
from trellis.kg.settings import Settings
from trellis.retrieval.types import GraphNode, Subgraph


def test_link_opens_the_browser_editor_on_the_subgraph_query() -> None:
    settings = Settings(neo4j_http_port=7575)
    subgraph = Subgraph(nodes=[GraphNode(id=i, kind="entity", name=i) for i in ("ent-1", "doc-1:00000")])
    link = urlparse(browser_link(settings, subgraph, internals=True) or "")
    assert f"{link.scheme}://{link.netloc}{link.path}" == "http://127.0.0.1:7575/browser/"
    query = parse_qs(link.query)
    assert query["cmd"] == ["edit"] and query["db"] == ["neo4j"]
    assert query["dbms"] == [f"bolt://neo4j@127.0.0.1:{settings.neo4j_bolt_port}"]  # the Browser fills in the user
    assert '["ent-1", "doc-1:00000"]' in query["arg"][0] and "$ids" not in query["arg"][0]
    assert query["arg"] == [subgraph_query(["ent-1", "doc-1:00000"])]


def test_ids_cannot_break_out_of_their_literal() -> None:
    hostile = 'x"] MATCH (n) DETACH DELETE n //'
    text = subgraph_query([hostile])
    assert json.dumps([hostile]) in text and "DETACH" not in text.replace(json.dumps([hostile]), "")


def test_no_link_without_nodes_and_at_most_the_cap() -> None:
    assert browser_link(Settings(), Subgraph(), internals=True) is None
    many = Subgraph(nodes=[GraphNode(id=f"ent-{i}", kind="entity", name="n") for i in range(200)])
    arg = parse_qs(urlparse(browser_link(Settings(), many, internals=True) or "").query)["arg"][0]
    assert arg.count('"ent-') == 2 * MAX_LINK_IDS  # the list appears twice in the query


def test_no_link_for_a_caller_who_may_not_see_the_servers_addresses() -> None:
    subgraph = Subgraph(nodes=[GraphNode(id="ent-1", kind="entity", name="n")])
    assert browser_link(Settings(), subgraph, internals=False) is None


def test_the_user_replaces_any_in_the_uri_and_is_escaped() -> None:
    """A NEO4J_URI's own credentials never reach the link; the user goes in escaped, scheme and port kept."""
    settings = Settings(neo4j_uri="neo4j+s://admin:secret@db.example.com:7687", neo4j_user="ana@team")
    subgraph = Subgraph(nodes=[GraphNode(id="ent-1", kind="entity", name="n")])
    link = browser_link(settings, subgraph, internals=True) or ""
    assert parse_qs(urlparse(link).query)["dbms"] == ["neo4j+s://ana%40team@db.example.com:7687"]
    assert "secret" not in link and "admin" not in link
