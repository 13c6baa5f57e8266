// How each entity is written in each given chunk: the surfaces of its mentions there, in text order.
// $pairs: [{chunk: chunk id, entity: entity id}] (the evidence chunks of relations and the entities answering).
UNWIND $pairs AS pair
MATCH (:Chunk {id: pair.chunk})-[m:MENTIONS]->(:Entity {id: pair.entity})
WITH pair, m
ORDER BY m.start
RETURN pair.chunk AS chunk_id, pair.entity AS entity_id, collect(m.surface) AS surfaces
