// Documents by id with their chunk counts (the API's document loader). $ids: document ids; $limit: at most this many.
UNWIND $ids AS id
MATCH (d:Document {id: id})
RETURN d.id AS id, d.title AS title, d.source AS source, d.sha256 AS sha256,
       toString(d.ingested_at) AS ingested_at, COUNT { (d)<-[:PART_OF]-(:Chunk) } AS chunks
LIMIT $limit
