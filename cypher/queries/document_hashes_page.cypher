// The content hash and graph-model version of every document, in pages by id: what a Ray ingest's first stage
// compares each loaded document against (kg/ingest/writer.py `unchanged`, as for `document_hashes`), so the later
// stages pass the unchanged ones through. $after: the last id of the previous page ('' for the first); $limit: the
// page size.
MATCH (d:Document)
WHERE d.id > $after
RETURN d.id AS id, d.sha256 AS sha256, d.graph_version AS graph_version
ORDER BY d.id
LIMIT $limit
