// The typed relations of entities with their provenance, in pages of subject entities by id (an entity without
// relations still takes a row, so the pages go on), for `trellis export parquet`.
MATCH (s:Entity)
WHERE s.id > $after
WITH s
ORDER BY s.id
LIMIT $limit
RETURN s.id AS id,
       [(s)-[r]->(o:Entity) |
         {type: type(r), object_id: o.id, phrase: r.phrase, confidence: r.confidence, evidence: r.evidence,
          documents: r.documents}] AS relations
ORDER BY id
