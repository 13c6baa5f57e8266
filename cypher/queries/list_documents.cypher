// Documents with their chunk counts, newest first, in pages ($skip, $limit).
MATCH (d:Document)
RETURN d.id AS id, d.title AS title, d.source AS source, toString(d.ingested_at) AS ingested_at,
       COUNT { (d)<-[:PART_OF]-(:Chunk) } AS chunks
ORDER BY d.ingested_at DESC, d.id
SKIP $skip
LIMIT $limit
