// Chunks that mention each given entity, at most $per_entity per entity. $ids: entity ids.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
CALL (e) {
  MATCH (c:Chunk)-[:MENTIONS]->(e)
  RETURN DISTINCT c
  ORDER BY c.id
  LIMIT $per_entity
}
RETURN e.id AS entity_id, c.id AS chunk_id, c.document_id AS document_id
