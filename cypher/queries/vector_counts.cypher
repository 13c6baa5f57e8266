// How many chunks and entities have a stored embedding: what the chunk_embedding and entity_embedding vector
// indexes hold (the size of the neo4j vector backend, kg/vectors/neo4j_search.py).
CALL () {
  MATCH (c:Chunk) WHERE c.embedding IS NOT NULL RETURN count(c) AS chunks
}
CALL () {
  MATCH (e:Entity) WHERE e.embedding IS NOT NULL RETURN count(e) AS entities
}
RETURN chunks, entities
