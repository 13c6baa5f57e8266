// Each vector index with its state, how much of it is populated and its configuration (dimensions, similarity):
// why a search of the neo4j vector backend failed, and `trellis index check` with that backend.
SHOW VECTOR INDEXES YIELD name, state, populationPercent, options
RETURN name, state, populationPercent AS population, options
ORDER BY name
