// Create or update Document nodes. $rows: [{id, source, title, sha256, ingested_at (ISO 8601), graph_version,
// metadata (map of primitives)}]. Metadata keys become properties, so analysts see them in Neo4j Browser;
// graph_version is the version of the graph model the document was built with (an older one is rebuilt).
UNWIND $rows AS row
MERGE (d:Document {id: row.id})
SET d += coalesce(row.metadata, {}),
    d.source = row.source,
    d.title = row.title,
    d.sha256 = row.sha256,
    d.ingested_at = datetime(row.ingested_at),
    d.graph_version = row.graph_version
