// The relations between the given entities (both ends in $ids), most confident first, at most $limit.
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
WHERE b.id IN $ids
RETURN a.id AS source, b.id AS target, type(r) AS type, r.confidence AS confidence,
       coalesce(r.evidence, [])[..5] AS evidence
ORDER BY r.confidence DESC, source, target
LIMIT $limit
