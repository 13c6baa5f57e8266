// Chunk ids with their stored embeddings, in pages, to rebuild FAISS from Neo4j.
MATCH (c:Chunk)
WHERE c.id > $after AND c.embedding IS NOT NULL
RETURN c.id AS id, c.embedding AS embedding
ORDER BY c.id
LIMIT $limit
