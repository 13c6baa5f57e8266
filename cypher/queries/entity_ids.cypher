// Entity ids that have a stored embedding, in pages: what the entity FAISS index must hold (kg/ingest/journal.py).
MATCH (e:Entity)
WHERE e.id > $after AND e.embedding IS NOT NULL
RETURN e.id AS id
ORDER BY e.id
LIMIT $limit
