// Delete the entities among $ids that no chunk mentions any more (with the relations they still hold).
UNWIND $ids AS id
MATCH (e:Entity {id: id})
WHERE NOT (e)<-[:MENTIONS]-(:Chunk)
DETACH DELETE e
