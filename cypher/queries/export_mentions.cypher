// The mentions of chunks, in pages of chunks by id (a chunk that mentions nothing still takes a row, so the pages
// go on), for `trellis export parquet`.
MATCH (c:Chunk)
WHERE c.id > $after
WITH c
ORDER BY c.id
LIMIT $limit
RETURN c.id AS id,
       [(c)-[m:MENTIONS]->(e:Entity) |
         {entity_id: e.id, start: m.start, end: m.end, surface: m.surface, label: m.label}] AS mentions
ORDER BY id
