// The first chunks of each given document, in reading order, at most $per_document each and $limit in all.
// $ids: document ids.
UNWIND $ids AS id
MATCH (d:Document {id: id})
CALL (d) {
  MATCH (c:Chunk)-[:PART_OF]->(d)
  RETURN c
  ORDER BY c.index
  LIMIT $per_document
}
RETURN d.id AS document_id, c.id AS id, c.index AS index, c.text AS text
LIMIT $limit
