// Link each imported chunk to the chunk before it in its document (NEXT), once all chunks exist. Idempotent.
// $rows: [{id, previous}].
UNWIND $rows AS row
MATCH (p:Chunk {id: row.previous})
MATCH (c:Chunk {id: row.id})
MERGE (p)-[:NEXT]->(c)
