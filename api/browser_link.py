"""The "open in Neo4j Browser" link of an answer: the Browser with its subgraph query in the editor.

Neo4j Browser pre-fills its editor from the URL (``?cmd=edit&arg=QUERY``) and its connect form from ``dbms`` (the
user too). The query is the named ``browser_answer_subgraph`` with its parameters (``$ids``, ``$limit``) written out
as literals: JSON string literals are valid Cypher string literals, so an id can never end the list or the query.

The style is not in the link: a server Trellis starts applies it on connecting (``browser.post_connect_cmd``), and
the guide prints the command for any other. Neo4j Browser 5 cannot take it from a URL: it cuts ``arg`` at its first
``#`` (every colour), reads a ``:style`` followed by a query as one (empty) style, and leaves a ``:style`` after a
query unrun.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from trellis.kg.graph import load_query
from trellis.kg.settings import Settings
from trellis.retrieval.types import Subgraph

__all__ = ["MAX_LINK_IDS", "browser_link", "subgraph_query"]

MAX_LINK_IDS = 60
"""At most this many node ids go into one link (URLs stay well under browsers' limits)."""


def subgraph_query(ids: Sequence[str], *, limit: int = 300) -> str:
    """The Cypher that shows the nodes ``ids`` and the relationships among them, parameters inlined."""
    text = "\n".join(line for line in load_query("browser_answer_subgraph").splitlines() if not line.startswith("//"))
    literal = json.dumps(list(ids), ensure_ascii=True)
    return text.replace("$ids", literal).replace("$limit", str(int(limit)))


def _with_user(settings: Settings) -> str:
    """The Bolt URI with the user in it (``bolt://neo4j@host:7687``): the Browser fills the connect form's user from it,
    so only the password is left to type."""
    parts = urlsplit(settings.bolt_uri)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(settings.neo4j_user, safe='')}@{host}"))


def browser_link(settings: Settings, subgraph: Subgraph, *, internals: bool) -> str | None:
    """The Browser URL showing ``subgraph``; None when it has no nodes, or unless the caller may see the server's
    addresses (``internals``, api/disclosure.py): the link names the Bolt URI and the Browser's host and port."""
    ids = list(dict.fromkeys(node.id for node in subgraph.nodes))[:MAX_LINK_IDS]
    if not ids or not internals:
        return None
    query = {"cmd": "edit", "arg": subgraph_query(ids), "dbms": _with_user(settings), "db": settings.neo4j_database}
    return f"{settings.browser_url}?{urlencode(query)}"
