// Chunks by id with their text, position and document title. $ids: chunk ids.
UNWIND $ids AS id
MATCH (c:Chunk {id: id})
OPTIONAL MATCH (c)-[:PART_OF]->(d:Document)
RETURN c.id AS id, c.document_id AS document_id, c.index AS index, c.text AS text, c.section AS section, d.title AS title
