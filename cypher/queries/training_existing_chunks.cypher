// Which of the chunk ids $ids the graph holds (a gold example's citations must point at real chunks).
UNWIND $ids AS id
MATCH (c:Chunk {id: id})
RETURN c.id AS id
