// Entities whose name is exactly $entity_name (case-insensitive when $exact is false), most mentioned first, at most $limit.
MATCH (e:Entity)
WHERE e.name = $entity_name OR (NOT $exact AND toLower(e.name) = toLower($entity_name))
RETURN e.id AS id, e.name AS name, e.type AS type, coalesce(e.aliases, []) AS aliases
ORDER BY COUNT { (e)<-[:MENTIONS]-() } DESC, e.id
LIMIT $limit
