// Add typed relations with their provenance: each row is one piece of evidence (a chunk of a document).
// The relationship type is the normalised predicate. apoc.merge.relationship anchors the merge on the two entities;
// a Cypher MERGE with a dynamic type ($(row.predicate)) is planned as a scan of every relationship (seen on 5.26).
// Confidence keeps the highest. $rows: [{subject_id, predicate, object_id, chunk_id, document_id, confidence}].
UNWIND $rows AS row
MATCH (s:Entity {id: row.subject_id})
MATCH (o:Entity {id: row.object_id})
CALL apoc.merge.relationship(s, row.predicate, {}, {evidence: [], documents: [], confidence: row.confidence}, o, {})
YIELD rel
SET rel.evidence = CASE WHEN row.chunk_id IN rel.evidence THEN rel.evidence ELSE rel.evidence + row.chunk_id END,
    rel.documents = CASE WHEN row.document_id IN rel.documents THEN rel.documents ELSE rel.documents + row.document_id END,
    rel.confidence = CASE WHEN row.confidence > rel.confidence THEN row.confidence ELSE rel.confidence END
