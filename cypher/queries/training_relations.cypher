// Typed relations between entities for training examples, each with its evidence chunk ids, most confident first.
// $exclude: relationship types to leave out (e.g. CO_OCCURS_WITH); $limit bounds the rows.
MATCH (a:Entity)-[r]->(b:Entity)
WHERE NOT type(r) IN $exclude AND a.id <> b.id AND size(coalesce(r.evidence, [])) > 0
WITH a, r, b
ORDER BY r.confidence DESC, a.id, type(r), b.id
LIMIT $limit
RETURN a.id AS subject_id, a.name AS subject, a.type AS subject_type, type(r) AS predicate,
       b.id AS object_id, b.name AS object, b.type AS object_type, coalesce(r.confidence, 0.0) AS confidence,
       coalesce(r.evidence, []) AS evidence
