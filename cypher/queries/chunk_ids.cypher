// Chunk ids that have a stored embedding, in pages: what the chunk FAISS index must hold (kg/ingest/journal.py).
MATCH (c:Chunk)
WHERE c.id > $after AND c.embedding IS NOT NULL
RETURN c.id AS id
ORDER BY c.id
LIMIT $limit
