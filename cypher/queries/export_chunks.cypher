// Chunks in pages by id, with their embedding and the chunk before them (NEXT), for `trellis export parquet`.
MATCH (c:Chunk)
WHERE c.id > $after
WITH c
ORDER BY c.id
LIMIT $limit
RETURN c.id AS id, c.document_id AS document_id, c.index AS index, c.text AS text, c.start AS start, c.end AS end,
       c.tokens AS tokens, c.section AS section, c.title AS title,
       head([(p:Chunk)-[:NEXT]->(c) | p.id]) AS previous, c.embedding AS embedding
ORDER BY id
