"""GraphiQL in headless Chromium: the page loads from local files, runs a query with a key in its headers, and
the result is on screen (artifacts/graphiql.png)."""

from __future__ import annotations

import json

import pytest

from tests.support_api import READ_KEY
from tests.support_browser import headless_chromium, screenshot_path
from trellis.retrieval import Retriever

QUERY = '{ entity(name: "Tirana") { name type relations(first: 3) { triple } } }'


@pytest.mark.browser
def test_graphiql_runs_a_query_in_chromium(api_url: str, retriever: Retriever) -> None:
    headers = json.dumps({"Authorization": f"Bearer {READ_KEY}"})
    with headless_chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.add_init_script(f"window.localStorage.setItem('graphiql:headers', {json.dumps(headers)});")
        page.goto(f"{api_url}/graphql", wait_until="networkidle")
        page.wait_for_selector(".graphiql-container", timeout=30_000)
        assert not failed, f"GraphiQL could not load: {failed}"
        editor = page.locator(".graphiql-query-editor .CodeMirror").first
        editor.click()
        page.evaluate(
            "(query) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(query)", QUERY
        )
        page.locator(".graphiql-execute-button").click()
        result = page.locator(".graphiql-response .CodeMirror")
        result.filter(has_text="CAPITAL_OF").or_(result.filter(has_text="Tirana")).first.wait_for(timeout=60_000)
        page.wait_for_function(
            "() => document.querySelector('.graphiql-response .CodeMirror')"
            ".CodeMirror.getValue().includes('relations')",
            timeout=60_000,
        )
        shown = page.evaluate("() => document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()")
        page.screenshot(path=str(screenshot_path("graphiql.png")))
    answer = json.loads(shown)
    assert answer["data"]["entity"]["name"] == "Tirana" and answer["data"]["entity"]["relations"]
