// The stored embeddings of the entitys $ids (those that have one), to put them back into FAISS after a crash.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
WHERE e.embedding IS NOT NULL
RETURN e.id AS id, e.embedding AS embedding
