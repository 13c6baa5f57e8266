// The content hash, source and graph-model version of each known document among $ids, to skip unchanged ones,
// rebuild those an older graph model built, and find the documents an older Trellis stored under an id hashed
// from the absolute path.
UNWIND $ids AS id
MATCH (d:Document {id: id})
RETURN d.id AS id, d.sha256 AS sha256, d.source AS source, d.graph_version AS graph_version
