// Link chunks to the entities they name, with the label the NER model gave each mention.
// $rows: [{chunk_id, entity_id, start, end, surface, label}].
UNWIND $rows AS row
MATCH (c:Chunk {id: row.chunk_id})
MATCH (e:Entity {id: row.entity_id})
MERGE (c)-[m:MENTIONS {start: row.start}]->(e)
SET m.end = row.end, m.surface = row.surface, m.label = row.label
