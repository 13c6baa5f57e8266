"""GraphiQL at GET /graphql, from local files: no CDN, so it works on machines without internet.

The JavaScript and CSS (GraphiQL, React, graphql-ws; MIT licensed) come from the ``graphene-django-graphiql-static``
package, found on disk and served as static files; it is never imported. Keys are never put in the page: paste
``{"Authorization": "Bearer KEY"}`` into the Headers tab (GraphiQL keeps it in the browser's local storage).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from trellis.kg.errors import ConfigurationError

__all__ = ["DEFAULT_QUERY", "graphiql_assets", "mount_graphiql"]

DEFAULT_QUERY = """# Paste {"Authorization": "Bearer YOUR_KEY"} into Headers below, then run.
query Ask {
  ask(question: "What is the capital of Albania?") {
    text
    citations { number chunk { text } document { title } }
    facts { triple }
    browserUrl
  }
}
"""

_PAGE = r"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Trellis GraphiQL</title>
  <style>html, body, #graphiql { height: 100%; margin: 0; overflow: hidden; width: 100%; }</style>
  <link rel="stylesheet" href="/graphql/static/graphiql.min.css" />
  <script src="/graphql/static/react.production.min.js"></script>
  <script src="/graphql/static/react-dom.production.min.js"></script>
  <script src="/graphql/static/graphql-ws.min.js"></script>
  <script src="/graphql/static/graphiql.min.js"></script>
</head>
<body>
  <div id="graphiql">Loading GraphiQL...</div>
  <script>
    const here = new URL("/graphql", window.location.href);
    const socket = new URL(here);
    socket.protocol = here.protocol === "https:" ? "wss:" : "ws:";
    const storedHeaders = () => {
      try { return JSON.parse(localStorage.getItem("graphiql:headers") || "{}"); } catch (e) { return {}; }
    };
    const wsClient = graphqlWs.createClient({ url: socket.href, connectionParams: () => storedHeaders(),
                                              lazy: true });
    const send = GraphiQL.createFetcher({ url: here.href, wsClient });
    // Right after the query is replaced GraphiQL may still send the old operation's name, which the server refuses:
    // a name the document does not define becomes the document's only operation (or none).
    const fetcher = (params, options) => {
      const names = [...(params.query || "").matchAll(/(?:query|mutation|subscription)\s+([_A-Za-z]\w*)/g)]
        .map((match) => match[1]);
      if (params.operationName && !names.includes(params.operationName)) {
        params = { ...params, operationName: names.length === 1 ? names[0] : null };
      }
      return send(params, options);
    };
    const element = React.createElement(GraphiQL, {
      fetcher, defaultQuery: __DEFAULT_QUERY__, shouldPersistHeaders: true, isHeadersEditorEnabled: true,
    });
    const container = document.getElementById("graphiql");
    if (ReactDOM.createRoot) { ReactDOM.createRoot(container).render(element); }
    else { ReactDOM.render(element, container); }
  </script>
</body>
</html>
"""


def graphiql_assets() -> Path:
    """The folder of GraphiQL's JavaScript and CSS inside the installed package."""
    spec = importlib.util.find_spec("graphene_django_graphiql_static")
    folders = list(spec.submodule_search_locations or []) if spec else []
    if not folders:
        raise ConfigurationError(
            "GraphiQL's files are missing: pip install graphene-django-graphiql-static (a pyproject dependency)"
        )
    return Path(folders[0]) / "static" / "graphene_django_graphiql_static"


def page() -> str:
    """The GraphiQL page."""
    import json

    return _PAGE.replace("__DEFAULT_QUERY__", json.dumps(DEFAULT_QUERY))


def mount_graphiql(app: FastAPI) -> None:
    """Serve GraphiQL at GET /graphql and its files under /graphql/static (before the GraphQL routes)."""
    html = page()

    @app.get("/graphql", include_in_schema=False)
    def graphiql() -> HTMLResponse:
        return HTMLResponse(html)

    app.mount("/graphql/static", StaticFiles(directory=graphiql_assets()), name="graphiql-static")
