// Entity ids with their stored embeddings, in pages, to rebuild the entity FAISS index from Neo4j.
MATCH (e:Entity)
WHERE e.id > $after AND e.embedding IS NOT NULL
RETURN e.id AS id, e.embedding AS embedding
ORDER BY e.id
LIMIT $limit
