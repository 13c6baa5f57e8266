// How many entities match the entities() filter ($type, $name_contains; null: any). One row.
MATCH (e:Entity)
WHERE ($type IS NULL OR e.type = $type)
  AND ($name_contains IS NULL OR toLower(e.name) CONTAINS toLower($name_contains))
RETURN count(e) AS total
LIMIT 1
