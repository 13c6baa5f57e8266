// Add typed relations with their provenance. Each row is one (subject, predicate, object) of a batch with all the
// evidence the batch gives it: the chunks and documents, in order, and the highest confidence.
// The relationship type is the canonical type; phrase is what the text said (the first phrase seen).
// A MERGE with a dynamic type ($(row.predicate)) is planned as a
// scan of every relationship on 5.26, and apoc.merge.relationship runs a generated query per row (six times slower
// than this, measured in benchmarks/ingest.py's writer stage), so the merge is spelt out: look for the relation
// between the two entities (anchored on both), create it when absent, else extend it. Rows are unique per
// (subject, predicate, object) within a batch (GraphWriter merges them) and writes are serialised by the ingest lock,
// so no two creations of one relation race.
// Evidence and documents accumulate without repeats; confidence keeps the highest.
// $rows: [{subject_id, predicate, object_id, evidence: [chunk ids], documents: [document ids], confidence, phrase}].
UNWIND $rows AS row
MATCH (s:Entity {id: row.subject_id})
MATCH (o:Entity {id: row.object_id})
OPTIONAL CALL (s, o, row) {
  MATCH (s)-[r]->(o)
  WHERE type(r) = row.predicate
  RETURN r
  LIMIT 1
}
CALL (s, o, row, r) {
  WITH * WHERE r IS NULL
  CREATE (s)-[n:$(row.predicate)]->(o)
  SET n.evidence = row.evidence, n.documents = row.documents, n.confidence = row.confidence, n.phrase = row.phrase
}
CALL (row, r) {
  WITH * WHERE r IS NOT NULL
  SET r.evidence = r.evidence + [chunk IN row.evidence WHERE NOT chunk IN r.evidence],
      r.documents = r.documents + [document IN row.documents WHERE NOT document IN r.documents],
      r.confidence = CASE WHEN row.confidence > r.confidence THEN row.confidence ELSE r.confidence END
}
