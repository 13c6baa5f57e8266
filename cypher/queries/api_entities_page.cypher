// One page of entities ordered by id, after the cursor $after (null: from the start), optionally of one $type and
// with $name_contains in their name (case-insensitive). At most $limit rows.
MATCH (e:Entity)
WHERE ($after IS NULL OR e.id > $after)
  AND ($type IS NULL OR e.type = $type)
  AND ($name_contains IS NULL OR toLower(e.name) CONTAINS toLower($name_contains))
RETURN e.id AS id, e.name AS name, e.type AS type, coalesce(e.aliases, []) AS aliases
ORDER BY e.id
LIMIT $limit
