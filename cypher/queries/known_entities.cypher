// Every entity with its aliases and stored embedding, for resolving new mentions against what the graph knows.
MATCH (e:Entity)
RETURN e.id AS id, e.name AS name, e.type AS type, coalesce(e.aliases, []) AS aliases, e.embedding AS embedding
