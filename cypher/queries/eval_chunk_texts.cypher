// Chunk ids, documents and texts in pages (the BM25 baseline of the evaluation indexes every chunk).
// $after: the last id of the previous page ('' for the first); $limit: the page size.
MATCH (c:Chunk)
WHERE c.id > $after
RETURN c.id AS id, c.document_id AS document_id, c.text AS text
ORDER BY c.id
LIMIT $limit
