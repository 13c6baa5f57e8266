"""Neo4j Browser, served by the test server, in headless Chromium: log in (Trellis's style applied on connecting), run
a saved query, take a screenshot; open an answer's link and run the query it put in the editor."""

from __future__ import annotations

import re

import pytest

from tests.cypher.test_saved_queries import saved_queries
from tests.support_browser import headless_chromium, screenshot_path
from trellis.api.browser_link import browser_link
from trellis.kg.graph import GraphStore
from trellis.kg.graph.auth import resolve_password
from trellis.kg.graph.browser_style import style_rules
from trellis.kg.settings import Settings
from trellis.retrieval.types import GraphNode, Subgraph

pytestmark = pytest.mark.browser


def test_browser_logs_in_and_runs_a_saved_query(neo4j_settings: Settings, empty_graph: GraphStore) -> None:
    documents = [
        {"id": f"browser-doc-{i}", "source": f"/corpus/{i}.txt", "title": f"Browser test document {i}",
         "sha256": "0" * 64, "ingested_at": "2026-11-29T12:00:00+00:00", "metadata": {}}
        for i in range(3)
    ]  # fmt: skip
    empty_graph.write_batches("upsert_documents", documents)
    query = saved_queries()["Overview - nodes by label"]

    with headless_chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(neo4j_settings.browser_url, wait_until="networkidle")
        page.locator("[data-testid=boltaddress]").fill(neo4j_settings.bolt_uri)
        page.locator("[data-testid=username]").fill(neo4j_settings.neo4j_user)
        page.locator("[data-testid=password]").fill(resolve_password(neo4j_settings))
        page.locator("[data-testid=connect]").click()
        page.get_by_text("You are connected as user").first.wait_for(timeout=60_000)
        # the server's post-connect command applied Trellis's style (no file dragged): its frame shows the rules
        styled = page.locator("[data-testid=frame]", has_text="node.Person").first
        styled.wait_for(timeout=30_000)
        style_shown = styled.inner_text()

        page.locator(".monaco-editor").first.click()
        page.keyboard.type(re.sub(r"\s+", " ", query).rstrip(";"))
        page.locator("[data-testid=editor-Run]").click()
        result = page.locator("[data-testid=frame]").first
        result.get_by_text("Completed after").wait_for(timeout=30_000)
        path = screenshot_path("neo4j-browser-saved-query.png")
        page.screenshot(path=str(path))
        table = result.inner_text()
    assert "#F79767" in style_shown and "relationship.RELATED_TO" in style_shown, style_shown
    assert "UNWIND labels(n)" in table
    assert re.search(r'"Document"\s+3', table), table
    assert path.stat().st_size > 10_000


def test_an_answers_link_shows_its_subgraph_in_the_style(neo4j_settings: Settings, empty_graph: GraphStore) -> None:
    """The link of an answer, opened as it comes: the user filled in, only the password typed; on connecting the
    server applies the style, and the query in the editor shows the nodes the link names."""
    entities = [
        {"id": "link-ent-tirana", "name": "Tirana", "type": "Location", "aliases": [], "embedding": None},
        {"id": "link-ent-albania", "name": "Albania", "type": "Location", "aliases": [], "embedding": None},
    ]
    empty_graph.write_batches("upsert_entities", entities)
    subgraph = Subgraph(nodes=[GraphNode(id=e["id"], kind="entity", name=e["name"]) for e in entities])
    link = browser_link(neo4j_settings, subgraph, internals=True)
    assert link is not None

    with headless_chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(link, wait_until="networkidle")
        user = page.locator("[data-testid=username]").input_value()
        page.locator("[data-testid=password]").fill(resolve_password(neo4j_settings))
        page.locator("[data-testid=connect]").click()
        page.get_by_text("You are connected as user").first.wait_for(timeout=60_000)
        page.locator("[data-testid=frame]", has_text="node.Person").first.wait_for(timeout=30_000)
        page.locator("[data-testid=editor-Run]").click()
        result = page.locator("[data-testid=frame]").first
        for caption in ("Tirana", "Albania"):  # the nodes' captions in the graph view
            result.get_by_text(caption, exact=True).first.wait_for(timeout=30_000)
        page.screenshot(path=str(screenshot_path("neo4j-browser-answer-link.png")))
        shown = result.inner_text()
        location = style_rules()["node.Location"]["color"]
        styled = result.locator(f"circle[fill='{location}' i], circle[fill='{location.lower()}']").count()
    assert styled == 2, f"the two Location nodes are not drawn in {location}"
    assert user == neo4j_settings.neo4j_user
    assert 'IN ["link-ent-tirana", "link-ent-albania"]' in shown, shown
