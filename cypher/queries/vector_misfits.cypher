// Chunks and entities whose stored embedding is not of $dimensions (how many, and at most $limit ids of each): a
// vector index of that size leaves them out without an error, so the neo4j vector backend never finds them
// (`trellis index check` with that backend).
CALL () {
  MATCH (c:Chunk)
  WHERE c.embedding IS NOT NULL AND size(c.embedding) <> $dimensions
  RETURN count(c) AS chunks, collect(c.id)[..$limit] AS chunk_ids
}
CALL () {
  MATCH (e:Entity)
  WHERE e.embedding IS NOT NULL AND size(e.embedding) <> $dimensions
  RETURN count(e) AS entities, collect(e.id)[..$limit] AS entity_ids
}
RETURN chunks, chunk_ids, entities, entity_ids
