// Documents in pages by id, with every property (the loader's metadata keys included), for `trellis export parquet`.
MATCH (d:Document)
WHERE d.id > $after
RETURN d.id AS id, properties(d) AS properties
ORDER BY d.id
LIMIT $limit
