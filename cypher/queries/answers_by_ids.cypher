// Logged answers by id, with their latest rating and how many ratings they have.
UNWIND $ids AS id
MATCH (a:Answer {id: id})
RETURN a {.*} AS answer, COUNT { (:Feedback)-[:ON]->(a) } AS ratings
LIMIT $limit
