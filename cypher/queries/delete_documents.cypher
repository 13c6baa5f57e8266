// Remove the documents $ids and exactly the support they gave: their chunks and mentions, their evidence on
// relations, and relations left with no evidence. Entities are pruned afterwards (prune_entities). Logged answers
// stay: an answer that cited a chunk that goes keeps its id in chunk_ids and gains it in gone_chunk_ids.
UNWIND $ids AS doc_id
MATCH (d:Document {id: doc_id})
OPTIONAL MATCH (c:Chunk)-[:PART_OF]->(d)
WITH d, doc_id, collect(c) AS chunks, collect(c.id) AS chunk_ids
CALL (chunks, chunk_ids, doc_id) {
  UNWIND chunks AS c
  MATCH (c)-[:MENTIONS]->(:Entity)-[r]-(:Entity)
  WHERE doc_id IN r.documents
  WITH DISTINCT r, chunk_ids, doc_id
  SET r.evidence = [x IN r.evidence WHERE NOT x IN chunk_ids],
      r.documents = [x IN r.documents WHERE x <> doc_id]
  WITH r WHERE size(r.documents) = 0
  DELETE r
}
CALL (chunks) {
  UNWIND chunks AS c
  MATCH (a:Answer)-[:CITES]->(c)
  SET a.gone_chunk_ids = coalesce(a.gone_chunk_ids, []) + c.id
}
CALL (chunks) {
  UNWIND chunks AS c
  DETACH DELETE c
}
DETACH DELETE d
