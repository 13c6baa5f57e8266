// The passages (text, position, document title) of whole documents, in reading order.
// $documents: document ids; $limit: at most this many chunks in all.
UNWIND $documents AS document
MATCH (c:Chunk {document_id: document})
OPTIONAL MATCH (c)-[:PART_OF]->(d:Document)
WITH c, d
ORDER BY c.document_id, c.index
LIMIT $limit
RETURN c.id AS id, c.document_id AS document_id, c.index AS index, c.text AS text, c.section AS section, d.title AS title
