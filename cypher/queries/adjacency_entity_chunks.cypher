// The first $per_mention chunks (by id) that mention each entity of $ids, with their documents, for a question's
// neighbourhood read live (retrieval/neighbourhood.py).
UNWIND $ids AS entity_id
MATCH (e:Entity {id: entity_id})
CALL (e) {
  MATCH (c:Chunk)-[:MENTIONS]->(e)
  RETURN DISTINCT c
  ORDER BY c.id
  LIMIT $per_mention
}
RETURN e.id AS entity_id, c.id AS chunk_id, c.document_id AS document_id
