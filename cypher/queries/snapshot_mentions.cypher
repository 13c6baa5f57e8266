// Which chunks mention which entities, with each chunk's document, for the in-process graph snapshot
// (retrieval/snapshot.py). $limit bounds the rows.
MATCH (c:Chunk)-[:MENTIONS]->(e:Entity)
RETURN c.id AS chunk_id, e.id AS entity_id, c.document_id AS document_id
LIMIT $limit
