// The entities the chunks $chunks mention, with each chunk's document, for a question's neighbourhood read live
// (retrieval/neighbourhood.py). $chunks: chunk ids.
UNWIND $chunks AS chunk_id
MATCH (c:Chunk {id: chunk_id})-[:MENTIONS]->(e:Entity)
RETURN DISTINCT c.id AS chunk_id, c.document_id AS document_id, e.id AS entity_id, e.name AS name, e.type AS type
