// An answer's subgraph for Neo4j Browser: its entities and chunks and the relationships among them.
// The API writes $ids and $limit out as literals in the Browser link (?cmd=edit&arg=...), so the query runs as is.
MATCH (n)
WHERE n.id IN $ids
OPTIONAL MATCH (n)-[r]-(m)
WHERE m.id IN $ids
RETURN n, r, m
LIMIT $limit
