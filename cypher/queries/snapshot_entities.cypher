// Every entity's id, name and type, for the in-process graph snapshot (retrieval/snapshot.py). $limit bounds the
// rows: the caller asks for one more than it accepts, to tell a graph too large for a snapshot.
MATCH (e:Entity)
RETURN e.id AS id, e.name AS name, e.type AS type
LIMIT $limit
