// Entities with their name and type, for unanswerable questions about entities a relation does not cover.
// $limit bounds the rows.
MATCH (e:Entity)
RETURN e.id AS id, e.name AS name, e.type AS type
ORDER BY e.id
LIMIT $limit
