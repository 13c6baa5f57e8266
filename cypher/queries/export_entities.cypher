// Entities in pages by id, with their labels, aliases and embedding (null when none), for `trellis export parquet`.
MATCH (e:Entity)
WHERE e.id > $after
RETURN e.id AS id, e.name AS name, e.type AS type, coalesce(e.aliases, []) AS aliases, labels(e) AS labels,
       e.embedding AS embedding
ORDER BY e.id
LIMIT $limit
