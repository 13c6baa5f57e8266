// The content hash of each known document among $ids, to skip unchanged ones.
UNWIND $ids AS id
MATCH (d:Document {id: id})
RETURN d.id AS id, d.sha256 AS sha256
