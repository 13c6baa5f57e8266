// Every relation between two entities, for the in-process graph snapshot (retrieval/snapshot.py): its ends, type,
// confidence and first $evidence evidence chunk ids, as `adjacency_entity_relations` reads them. $limit bounds the rows.
MATCH (s:Entity)-[r]->(o:Entity)
RETURN s.id AS subject_id, type(r) AS predicate, o.id AS object_id, coalesce(r.confidence, 0.0) AS confidence,
       coalesce(r.phrase, '') AS phrase,
       coalesce(r.evidence, [])[..$evidence] AS evidence
LIMIT $limit
