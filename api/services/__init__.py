"""The one service layer under every interface: GraphQL, chat, MCP, the ingest job runner and the CLI call these,
and none of them runs a named query itself.

Each read is written once here and returns plain models (:mod:`api.services.types`, :mod:`retrieval.types`) that
an interface turns into its own shapes; checking and capping arguments, and the words of an error, stay with the
interface. The functions block (the Neo4j driver and the models are synchronous): async callers run them in a
worker thread. One module per kind of work, imported by its own name (the package imports none of them, so a
command that needs one read does not load the models):

- :mod:`~api.services.ask`: a cited answer, whole or streamed, and its sources;
- :mod:`~api.services.search`: hybrid passage search, and ``retrieve`` (what answering reads);
- :mod:`~api.services.entities`: entities by id, name or free text, in pages, with their relations and documents;
- :mod:`~api.services.neighbourhood`: an entity's neighbourhood and a shortest path between two;
- :mod:`~api.services.documents`: documents and their chunks;
- :mod:`~api.services.status`: counts of the graph and the indexes, and the server;
- :mod:`~api.services.ingest`: ingest sent texts and delete documents;
- :mod:`~api.services.answers`: the answer log, every answer an interface gives, written off the request's path;
- :mod:`~api.services.feedback`: ratings of logged answers (UP or DOWN, a correction, a comment).
"""

__all__: list[str] = []
