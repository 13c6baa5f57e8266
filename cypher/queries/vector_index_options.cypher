// The configuration of each vector index (dimensions, similarity function).
SHOW VECTOR INDEXES YIELD name, options
RETURN name, options
ORDER BY name
