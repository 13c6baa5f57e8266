// The smallest read there is: one Bolt round trip with nothing to do, what every named query costs before its own
// work (benchmarks/vector_backend.py sets the Neo4j vector backend's search beside it).
RETURN 1 AS one
