// Create or update Chunk nodes with their embedding, PART_OF their document and NEXT in reading order; a chunk
// carries its document's title (what the Browser shows on it).
// $rows: [{id, document_id, index, text, start, end, tokens, section, embedding, previous (chunk id or null)}].
UNWIND $rows AS row
MATCH (d:Document {id: row.document_id})
MERGE (c:Chunk {id: row.id})
SET c.document_id = row.document_id,
    c.index = row.index,
    c.text = row.text,
    c.start = row.start,
    c.end = row.end,
    c.tokens = row.tokens,
    c.section = row.section,
    c.title = d.title
MERGE (c)-[:PART_OF]->(d)
WITH c, row
CALL db.create.setNodeVectorProperty(c, 'embedding', row.embedding)
WITH c, row
WHERE row.previous IS NOT NULL
MATCH (p:Chunk {id: row.previous})
MERGE (p)-[:NEXT]->(c)
