// The entities that the documents $ids mention: candidates for removal once the documents are gone.
UNWIND $ids AS id
MATCH (:Document {id: id})<-[:PART_OF]-(:Chunk)-[:MENTIONS]->(e:Entity)
RETURN DISTINCT e.id AS id
