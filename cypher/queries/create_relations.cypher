// Create typed relations that cannot exist yet: one of their two entities is new in this batch (GraphWriter knows
// which). No look-up of existing relations: inside a large write transaction, expanding a node's relationships
// must merge the transaction's own uncommitted ones, which made the merge the slowest statement of a batch.
// Rows are unique per (subject, predicate, object) within a batch. The relationship type is the canonical type;
// phrase is what the text said (the first phrase seen).
// $rows: [{subject_id, predicate, object_id, evidence: [chunk ids], documents: [document ids], confidence, phrase}].
UNWIND $rows AS row
MATCH (s:Entity {id: row.subject_id})
MATCH (o:Entity {id: row.object_id})
CREATE (s)-[n:$(row.predicate)]->(o)
SET n.evidence = row.evidence, n.documents = row.documents, n.confidence = row.confidence, n.phrase = row.phrase
