// Which write last changed the graph, as any process sees it: how many documents there are and when the latest was
// ingested. Every ingest batch writes its documents with a new ingested_at and every deletion removes some, so the
// pair moves with each committed write (the retriever's generation with the neo4j vector backend, kg/ingest/lock.py).
MATCH (d:Document)
RETURN count(d) AS documents, toString(max(d.ingested_at)) AS latest
