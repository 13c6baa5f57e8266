// The stored embeddings of the chunks $ids (those that have one), to put them back into FAISS after a crash.
UNWIND $ids AS id
MATCH (c:Chunk {id: id})
WHERE c.embedding IS NOT NULL
RETURN c.id AS id, c.embedding AS embedding
