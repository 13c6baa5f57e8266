// Entities each given chunk mentions, at most $per_chunk per chunk (literal values such as dates left out).
// $ids: chunk ids.
UNWIND $ids AS id
MATCH (c:Chunk {id: id})
CALL (c) {
  MATCH (c)-[:MENTIONS]->(e:Entity)
  WHERE NOT e.type IN ['Date', 'Quantity']
  RETURN DISTINCT e
  ORDER BY e.id
  LIMIT $per_chunk
}
RETURN c.id AS chunk_id, e.id AS entity_id, e.name AS name, e.type AS type
