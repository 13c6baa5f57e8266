// The chunk ids of the documents $ids (FAISS drops the same ids when a document goes).
UNWIND $ids AS id
MATCH (c:Chunk)-[:PART_OF]->(:Document {id: id})
RETURN c.id AS id
