// Add typed relations with their provenance. Each row is one (subject, predicate, object) of a batch with all the
// evidence the batch gives it: the chunks and documents, in order, and the highest confidence.
// The relationship type is the normalised predicate. apoc.merge.relationship anchors the merge on the two entities;
// a Cypher MERGE with a dynamic type ($(row.predicate)) is planned as a scan of every relationship (seen on 5.26).
// Evidence and documents accumulate without repeats; confidence keeps the highest.
// $rows: [{subject_id, predicate, object_id, evidence: [chunk ids], documents: [document ids], confidence}].
UNWIND $rows AS row
MATCH (s:Entity {id: row.subject_id})
MATCH (o:Entity {id: row.object_id})
CALL apoc.merge.relationship(s, row.predicate, {}, {evidence: [], documents: [], confidence: row.confidence}, o, {})
YIELD rel
SET rel.evidence = rel.evidence + [chunk IN row.evidence WHERE NOT chunk IN rel.evidence],
    rel.documents = rel.documents + [document IN row.documents WHERE NOT document IN rel.documents],
    rel.confidence = CASE WHEN row.confidence > rel.confidence THEN row.confidence ELSE rel.confidence END
