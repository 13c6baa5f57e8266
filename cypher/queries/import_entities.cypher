// Create or update entities exactly as an export holds them: every label (Entity and the type's), name, type,
// aliases and embedding (null: none). Idempotent, so an interrupted `trellis import parquet --resume` may repeat it.
// $rows: [{id, name, type, aliases, labels, embedding}].
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
SET e:$(row.labels), e.name = row.name, e.type = row.type, e.aliases = row.aliases
WITH e, row
WHERE row.embedding IS NOT NULL
CALL db.create.setNodeVectorProperty(e, 'embedding', row.embedding)
