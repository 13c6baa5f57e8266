// Entities within $hops (1..3) relations of the entity $id, over entity-to-entity relations only, nearest first,
// at most $limit.
MATCH (s:Entity {id: $id})
MATCH p = (s)-[*1..3]-(o:Entity)
WHERE length(p) <= $hops AND o <> s AND all(n IN nodes(p) WHERE n:Entity)
WITH o, min(length(p)) AS distance
ORDER BY distance, o.id
LIMIT $limit
RETURN o.id AS id, o.name AS name, o.type AS type, coalesce(o.aliases, []) AS aliases, distance
