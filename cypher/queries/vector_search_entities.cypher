// The $candidates entities nearest each of $vectors in the entity_embedding vector index (approximate: HNSW over
// quantized vectors), each scored again exactly against its stored embedding, for the neo4j vector backend
// (kg/vectors/neo4j_search.py): the vector's position in $vectors, the entity id and the cosine score as Neo4j
// gives it, (1 + cosine) / 2.
UNWIND range(0, size($vectors) - 1) AS position
CALL db.index.vector.queryNodes('entity_embedding', $candidates, $vectors[position])
YIELD node
RETURN position, node.id AS id, vector.similarity.cosine(node.embedding, $vectors[position]) AS score
