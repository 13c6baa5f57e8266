// Add typed relations with their provenance: each row is one piece of evidence (a chunk of a document).
// The relationship type is the normalised predicate (Cypher 5.26 dynamic types). Confidence keeps the highest.
// $rows: [{subject_id, predicate, object_id, chunk_id, document_id, confidence}].
UNWIND $rows AS row
MATCH (s:Entity {id: row.subject_id})
MATCH (o:Entity {id: row.object_id})
MERGE (s)-[r:$(row.predicate)]->(o)
ON CREATE SET r.evidence = [], r.documents = [], r.confidence = row.confidence
SET r.evidence = CASE WHEN row.chunk_id IN r.evidence THEN r.evidence ELSE r.evidence + row.chunk_id END,
    r.documents = CASE WHEN row.document_id IN r.documents THEN r.documents ELSE r.documents + row.document_id END,
    r.confidence = CASE WHEN row.confidence > r.confidence THEN row.confidence ELSE r.confidence END
