// One hop of graph expansion: the relations between each given entity and other entities, most confident first.
// Bounded twice: at most $per_entity relations per entity, at most $limit in all; evidence cut to $evidence chunks,
// each paired with its document. $ids: entity ids.
UNWIND $ids AS id
MATCH (s:Entity {id: id})
CALL (s) {
  MATCH (s)-[r]-(o:Entity)
  RETURN r
  ORDER BY r.confidence DESC, o.id
  LIMIT $per_entity
}
WITH DISTINCT r
WITH r, startNode(r) AS a, endNode(r) AS b
ORDER BY r.confidence DESC, a.id, b.id
LIMIT $limit
RETURN a.id AS subject_id, a.name AS subject, a.type AS subject_type, type(r) AS predicate,
       b.id AS object_id, b.name AS object, b.type AS object_type, coalesce(r.confidence, 0.0) AS confidence,
       coalesce(r.phrase, '') AS phrase,
       [cid IN coalesce(r.evidence, [])[..$evidence] |
         {chunk_id: cid, document_id: head(COLLECT { MATCH (c:Chunk {id: cid}) RETURN c.document_id })}] AS evidence
